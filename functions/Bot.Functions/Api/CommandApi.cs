using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bot.Functions.Api;

/// <summary>
/// The command API: the same commands Slack and GitHub issue, over HTTP with a bearer key. Commands run the executor
/// synchronously, so the answer says whether the transition happened (409 says why not). Functions: <c>Rollouts</c>
/// (<c>/api/rollouts/...</c>) and <c>Services</c> (<c>/api/services/...</c>).
/// </summary>
public static class CommandApi
{
    internal static async Task<IResult> StartAsync(HttpContext http, CommandPipeline pipeline,
        [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership, CancellationToken ct)
    {
        var (request, errors) = await CommandRequests.ReadStartAsync(http.Request, ct);
        if (request is null) return TypedResults.ValidationProblem(errors, title: "The start request is not valid");
        var command = new CommandRequest(new DeployCommand(request.Service, request.Version), ApiKeyFilter.ActorOf(http))
        {
            Reason = request.Reason,
            Source = new VersionSource(request.Commit, request.Image, request.Repository, request.BuildUrl),
        };
        var outcome = await pipeline.RunAsync(command, membership, ct);
        if (outcome.Refused is { } refused) return Refusal(refused);
        // Started and failed in the same call (the route check found no VirtualService, route or subset): not "started".
        if (outcome.Rollout is { Phase: RolloutPhase.Failed } failed && failed.Version == request.Version && outcome.Execution?.State.Active?.Id != failed.Id)
            return TypedResults.Problem(title: "Rollout failed", detail: outcome.Message, statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["rolloutId"] = failed.Id });
        var response = new CommandResponse(outcome.Message, View(outcome.Rollout));
        return outcome.Execution?.State.Active is { } active && active.Version == request.Version
            ? TypedResults.Created($"/api/rollouts/{Uri.EscapeDataString(active.Id)}", response)
            : TypedResults.Accepted((string?)null, response);
    }

    /// <summary>The rollout id names the service (<c>{service}-{n}</c>); the stepIndex/revision sent bind an approval to
    /// what the caller saw.</summary>
    internal static async Task<IResult> ActAsync(string id, string action, HttpContext http, CommandPipeline pipeline,
        [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership, CancellationToken ct)
    {
        var (request, errors) = await CommandRequests.ReadActionAsync(http.Request, ct);
        if (request is null) return TypedResults.ValidationProblem(errors, title: $"The {action} request is not valid");
        var binding = CommandBinding.ForRollout(id, request.Revision, request.StepIndex);
        var service = binding.Service;
        ReleaseCommand? command = action switch
        {
            "approve" => new ApproveCommand(service),
            "rollback" => new RollbackCommand(service, request.Reason),
            "pause" => new PauseCommand(service),
            "resume" => new ResumeCommand(service),
            "promote" => new PromoteCommand(service),
            "abort" => new AbortCommand(service),
            _ => null,
        };
        if (command is null) return NotFound($"no action '{action}': use approve, rollback, pause, resume, promote or abort");
        var outcome = await pipeline.RunAsync(new CommandRequest(command, ApiKeyFilter.ActorOf(http)) { Binding = binding, Reason = request.Reason }, membership, ct);
        if (outcome.Refused is { } refused) return Refusal(refused);
        return TypedResults.Ok(new CommandResponse(outcome.Message, View(outcome.Rollout)));
    }

    internal static async Task<IResult> GetAsync(string id, IRolloutStore store, CancellationToken ct) =>
        await FindAsync(store, id, ct) is { } r ? TypedResults.Ok(RolloutView.From(r)) : NotFound($"no rollout '{id}'");

    internal static async Task<IResult> ListAsync(string service, string? max, IRolloutStore store, IReleaseConfigs configs, CancellationToken ct)
    {
        if (!CommandRequests.IsServiceName(service)) return NotFound($"no service '{service}'");
        int? count = null;
        if (!string.IsNullOrEmpty(max))
            count = int.TryParse(max, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : -1;
        if (count is < 1 or > 200) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["max"] = ["between 1 and 200"] });
        if (await RecentAsync(store, configs, service, count ?? 20, ct) is not { } list) return NotFound($"no service '{service}'");
        return TypedResults.Ok(list.Select(RolloutView.From).ToList());
    }

    /// <summary>The service's newest <paramref name="max"/> rollouts, newest first, each the live copy when it is the active or
    /// last finished one (archived copies can lag the live state by one transition); null for a service nobody knows.</summary>
    internal static async Task<IReadOnlyList<RolloutState>?> RecentAsync(IRolloutStore store, IReleaseConfigs configs, string service, int max, CancellationToken ct)
    {
        var list = await store.ListAsync(service, max, ct);
        var current = (await store.GetAsync(service, ct))?.Value;
        if (list.Count == 0 && current is null && await configs.FindAsync(service, ct) is null) return null;
        return [.. list.Select(r => Same(current?.Active, r.Id) ?? Same(current?.LastFinished, r.Id) ?? r)];
    }

    internal static async Task<IResult> AuditAsync(string service, string? rolloutId, IAuditLog audit, IRolloutStore store, IReleaseConfigs configs, CancellationToken ct)
    {
        if (!CommandRequests.IsServiceName(service)) return NotFound($"no service '{service}'");
        var entries = await audit.ListAsync(service, rolloutId, ct);
        if (entries.Count == 0 && await store.GetAsync(service, ct) is null && await configs.FindAsync(service, ct) is null)
            return NotFound($"no service '{service}'");
        return TypedResults.Ok(entries.Select(AuditView.Of).ToList());
    }

    /// <summary>The live copy of a rollout when it is the active or last finished one, else the archived copy. The id
    /// names its service (<c>checkout-12</c>), so the live state is read first and the archive only for older rollouts.</summary>
    internal static async Task<RolloutState?> FindAsync(IRolloutStore store, string id, CancellationToken ct)
    {
        var service = RolloutIds.ServiceOf(id);
        if (service is not null && (await store.GetAsync(service, ct))?.Value is { } state && (Same(state.Active, id) ?? Same(state.LastFinished, id)) is { } current)
            return current;
        var archived = await store.FindAsync(id, ct);
        if (archived is null || service is not null) return archived;
        var live = (await store.GetAsync(archived.Service, ct))?.Value;
        return Same(live?.Active, id) ?? Same(live?.LastFinished, id) ?? archived;
    }

    private static RolloutState? Same(RolloutState? r, string id) => r is not null && r.Id == id ? r : null;

    private static RolloutView? View(RolloutState? r) => r is null ? null : RolloutView.From(r);

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>Maps an engine refusal to its status: 404 unknown, 409 impossible now, 403 not allowed, 400 invalid.</summary>
    public static ProblemHttpResult Refusal(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.NotFound => TypedResults.Problem(title: "Not found", detail: refusal.Message, statusCode: StatusCodes.Status404NotFound),
        RefusalKind.Forbidden => TypedResults.Problem(title: "Forbidden", detail: refusal.Message, statusCode: StatusCodes.Status403Forbidden),
        RefusalKind.Invalid => TypedResults.Problem(title: "Invalid", detail: refusal.Message, statusCode: StatusCodes.Status400BadRequest),
        _ => TypedResults.Problem(title: "Conflict", detail: refusal.Message, statusCode: StatusCodes.Status409Conflict),
    };
}
