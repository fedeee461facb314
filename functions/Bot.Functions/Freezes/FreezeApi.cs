using Bot.Core.Ports;
using System.Text.Json;
using Bot.Adapters.Scheduling;
using Bot.Core.Calendar;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Core.Freezes;
using Bot.Adapters.Freezes;

namespace Bot.Functions.Freezes;

/// <summary>
/// Freezes over the command API (function <c>Freezes</c>, same bearer keys): <c>GET /api/freezes</c>,
/// <c>POST /api/freezes</c> <c>{scope, duration?, reason?}</c> and <c>DELETE /api/freezes/{scope}</c>. Slack and
/// GitHub call <see cref="FreezeService"/> with the same arguments.
/// </summary>
public static class FreezeApi
{
    public const string FunctionName = "Freezes";

    internal static async Task<IResult> ListAsync(FreezeService freezes, CancellationToken ct) =>
        TypedResults.Ok((await freezes.ActiveAsync(ct)).Select(FreezeView.From).ToList());

    /// <summary>Authorized like Slack's <c>freeze</c>: the service's approvers (every service's, for <c>all</c>).</summary>
    internal static async Task<IResult> FreezeAsync(HttpContext http, CommandPipeline pipeline, IReleaseConfigs configs,
        [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        JsonElement body;
        try
        {
            body = (await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: ct));
        }
        catch (JsonException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not valid JSON: {e.Message}"] });
        }
        if (body.ValueKind != JsonValueKind.Object)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["must be a JSON object {scope, duration?, reason?}"] });

        string? Text(string name)
        {
            if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            errors[name] = ["must be a string"];
            return null;
        }
        var scope = Text("scope")?.Trim();
        var durationText = Text("duration");
        var reason = Text("reason");
        if (string.IsNullOrEmpty(scope) && !errors.ContainsKey("scope")) errors["scope"] = ["is required: a service name or \"all\""];
        TimeSpan? duration = null;
        if (durationText is not null)
        {
            if (Durations.TryParse(durationText, out var d) && d <= FreezeService.MaxDuration) duration = d;
            else errors["duration"] = ["must be a duration up to 366d, e.g. \"2h\", \"1d\" or \"1h30m\"; leave it out for an open-ended freeze"];
        }
        if (reason is { Length: > 500 }) errors["reason"] = ["at most 500 characters"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The freeze request is not valid");

        if (await UnknownServiceAsync(scope!, configs, ct) is { } notFound) return notFound;
        var service = Scope(scope!);
        var outcome = await pipeline.RunAsync(new CommandRequest(new FreezeCommand(service, duration, reason), ApiKeyFilter.ActorOf(http)), membership, ct);
        if (outcome.Refused is { } refused) return CommandApi.Refusal(refused);
        return TypedResults.Ok(FreezeView.From(outcome.Freeze!));
    }

    internal static async Task<IResult> UnfreezeAsync(string scope, HttpContext http, CommandPipeline pipeline,
        [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership, CancellationToken ct)
    {
        var outcome = await pipeline.RunAsync(new CommandRequest(new UnfreezeCommand(Scope(scope)), ApiKeyFilter.ActorOf(http)), membership, ct);
        if (outcome.Refused is { Kind: not RefusalKind.NotFound } refused) return CommandApi.Refusal(refused);
        return outcome.Freeze is not { } removed
            ? TypedResults.Problem(title: "Not found", detail: $"'{scope}' is not frozen", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(new { message = $"unfrozen {removed.Scope}", was = FreezeView.From(removed) });
    }

    /// <summary>The service a scope names; null for every service (<c>all</c>).</summary>
    private static string? Scope(string scope) => scope.Trim().ToLowerInvariant() is "all" or "*" ? null : scope.Trim().ToLowerInvariant();

    /// <summary>Null when <paramref name="scope"/> is <c>all</c> or a configured service; else a 404 naming the known ones.</summary>
    public static async Task<IResult?> UnknownServiceAsync(string scope, IReleaseConfigs configs, CancellationToken ct)
    {
        var s = scope.Trim().ToLowerInvariant();
        if (s is "all" or "*" || await configs.FindAsync(s, ct) is not null) return null;
        var known = (await configs.ListAsync(ct)).Select(c => c.Service).Order(StringComparer.Ordinal);
        return TypedResults.Problem(title: "Unknown service", statusCode: StatusCodes.Status404NotFound,
            detail: $"no service '{scope}'; freeze \"all\" or one of: {string.Join(", ", known)}");
    }
}
