using Bot.Core.Commands;
using Bot.Core.Execution;
using Bot.Core.Policies;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;

namespace Bot.Functions.Orphans;

/// <summary>How a restore ended. <see cref="Refused"/> and a failure change nothing the bot records as restored.</summary>
public sealed record RestoreOutcome(bool Restored, string Message, Refusal? Refused = null);

/// <summary>
/// <c>/release restore &lt;service&gt;</c> and <c>POST /api/services/{service}/restore</c>, one path for every surface:
/// find the config, authorize (whoever may roll the service back), read the route, then let the engine decide
/// (<see cref="RestoreTraffic"/>: refused while a rollout is active or when there is nothing to restore) and apply the
/// router's rollback and the audit record through the executor. A restored route leaves the <see cref="OrphanRegistry"/>.
/// </summary>
public sealed class OrphanRestore(IReleaseConfigs configs, IRolloutStore store, ITrafficInspector? inspector, RolloutExecutor executor, OrphanRegistry registry)
{
    /// <param name="authorizer">The surface's authorizer (it resolves that surface's groups).</param>
    public async Task<RestoreOutcome> RunAsync(string service, Actor by, string? reason, Authorizer authorizer, CancellationToken ct)
    {
        if (await configs.FindAsync(service, ct) is not { } config)
            return Refuse(RefusalKind.NotFound, $"service '{service}' has no release config in the central config folder (ReleaseConfig:Directory)");
        var state = (await store.GetAsync(service, ct))?.Value;
        var verdict = await authorizer.AuthorizeAsync(config, by, ReleaseAction.Restore, state?.Active, ct);
        if (!verdict.Allowed) return Refuse(RefusalKind.Forbidden, verdict.Message);
        if (inspector is null)
            return Refuse(RefusalKind.Conflict, "this bot's traffic router cannot read routes, so restore is off; return the traffic with kubectl");

        var target = TrafficTarget.For(config);
        RouteReading reading;
        try
        {
            reading = await inspector.ReadAsync(target, ct);
        }
        catch (RouteCheckFailedException e)
        {
            return Refuse(RefusalKind.Conflict, $"cannot read the route: {e.Message}");
        }

        var result = await executor.ExecuteAsync(service, new RestoreTraffic(target, reading) { By = by, Reason = reason }, ct);
        if (result.Decision.Refused is { } refused) return new RestoreOutcome(false, refused.Message, refused);
        if (!result.Applied.Any(e => e is RollbackTraffic))
        {
            var why = result.Notes.LastOrDefault(n => n.Contains("RollbackTraffic", StringComparison.Ordinal)) ?? string.Join("; ", result.Notes);
            return new RestoreOutcome(false, $"{service}: the cluster did not accept the restore ({why}); the traffic is still at {reading}: try again, or restore it with kubectl");
        }
        await registry.RemoveAsync(service, ct);
        return new RestoreOutcome(true, result.Decision.Message ?? $"{service}: traffic restored to stable");
    }

    private static RestoreOutcome Refuse(RefusalKind kind, string message) => new(false, message, new Refusal(kind, message));
}
