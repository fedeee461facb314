using System.Security.Cryptography;
using System.Text;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Api;

/// <summary>Requires <c>Authorization: Bearer &lt;key&gt;</c> matching one of <see cref="CommandApiOptions.Keys"/>.
/// Compares SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/> against every key, so timing
/// reveals neither the key nor which key matched. A miss is a 401 before any handler runs.</summary>
public sealed class ApiKeyFilter(IOptions<CommandApiOptions> options) : IEndpointFilter
{
    public const string ActorItem = "bot.actor";

    private readonly (string Name, byte[] Digest)[] _keys =
        [.. options.Value.Keys.Select(k => (k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))))];

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Match(http.Request.Headers.Authorization.ToString()) is not { } name)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                title: "Unauthorized", statusCode: StatusCodes.Status401Unauthorized,
                detail: "send Authorization: Bearer <key> with a key from CommandApi:Keys"));
        }
        http.Items[ActorItem] = new Actor(name, name, "api");
        return next(context);
    }

    private string? Match(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        string? found = null;
        foreach (var (name, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key)) found ??= name;
        }
        return found;
    }

    public static Actor ActorOf(HttpContext http) =>
        http.Items[ActorItem] as Actor ?? throw new InvalidOperationException("ApiKeyFilter did not run for this endpoint");
}
