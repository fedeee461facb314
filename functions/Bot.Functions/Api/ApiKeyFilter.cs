using System.Security.Cryptography;
using System.Text;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Api;

/// <summary>Requires <c>Authorization: Bearer &lt;key&gt;</c> matching one of <see cref="CommandApiOptions.Keys"/>.
/// Compares SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/> against every key, so timing
/// reveals neither the key nor which key matched. A miss is a 401 before any handler runs (<see cref="Refuse"/>, called first by each command API function). The key's name (and the
/// identity it is mapped to) is the actor every command is authorized as: a key no <c>deployers</c>/<c>approvers</c>
/// list names may read but not act.</summary>
public sealed class ApiKeyFilter(IOptions<CommandApiOptions> options)
{
    public const string ActorItem = "bot.actor";

    /// <summary>Service key of the <see cref="Bot.Core.Ports.IMembershipResolver"/> the command API authorizes with: a key
    /// mapped to a Slack user ID is a member of that user's Slack user groups (when Slack is configured).</summary>
    public const string MembershipKey = "api";

    private readonly (Actor Actor, byte[] Digest)[] _keys =
        [.. options.Value.Keys.Select(k => (k.Actor(), SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))))];

    private readonly bool _enabled = options.Value.Enabled;

    /// <summary>The command API functions' gate: a 404 while the API is switched off (<c>CommandApi:Enabled</c> false), the
    /// 401 of <see cref="Reject"/> without a known key; null when the request may go on.</summary>
    public Microsoft.AspNetCore.Mvc.IActionResult? Refuse(HttpRequest request) =>
        !_enabled ? Hosting.HttpAnswer.Off(CommandApiOptions.Off)
        : Reject(request.HttpContext) is { } no ? Hosting.HttpAnswer.Of(no)
        : null;

    /// <summary>Null when the request carries a known key (its actor is then in <see cref="ActorOf"/>); else the 401 to answer.</summary>
    public IResult? Reject(HttpContext http)
    {
        if (Match(http.Request.Headers.Authorization.ToString()) is not { } actor)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(
                title: "Unauthorized", statusCode: StatusCodes.Status401Unauthorized,
                detail: "send Authorization: Bearer <key> with a key from CommandApi:Keys");
        }
        http.Items[ActorItem] = actor;
        return null;
    }

    /// <summary>The actor of an <c>Authorization: Bearer &lt;key&gt;</c> header, or null (also used by the rollout pages,
    /// which the command API key opens).</summary>
    internal Actor? Match(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        Actor? found = null;
        foreach (var (actor, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key)) found ??= actor;
        }
        return found;
    }

    public static Actor ActorOf(HttpContext http) =>
        http.Items[ActorItem] as Actor ?? throw new InvalidOperationException("ApiKeyFilter did not run for this endpoint");
}
