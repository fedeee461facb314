using Bot.Core.Ports;

namespace Bot.Core.Rollouts;

/// <summary>Return a service's orphaned canary traffic to stable (<c>/release restore &lt;service&gt;</c>): the route
/// carries canary traffic but no rollout owns it (e.g. storage lost the rollout). <see cref="Reading"/> is what the
/// route carried when the command was issued, read at the edge.</summary>
public sealed record RestoreTraffic(TrafficTarget Target, RouteReading Reading) : RolloutInput;

public static partial class RolloutMachine
{
    /// <summary>The rollout id that restore effects and audit records carry: no rollout owns orphaned traffic.</summary>
    public static string OrphanRolloutId(string service) => $"{service}-orphan";

    /// <summary>
    /// Orphaned canary traffic: the bot wrote the route (its record is there), the route sends canary traffic, and no
    /// rollout owns it — none is active and no traffic change is pending (a pending one is being applied and is not orphaned).
    /// </summary>
    public static bool IsOrphaned(ServiceState? state, RouteReading reading) =>
        reading.WrittenByBot && reading.Canary > 0
        && state?.Active is not { IsTerminal: false }
        && !(state?.Pending.Any(e => e is SetTraffic or RollbackTraffic or SetHeaderRoute or SetMirror) ?? false);

    private static Decision OnRestore(ServiceState state, RestoreTraffic input, DateTimeOffset now)
    {
        var route = $"VirtualService {input.Target.Namespace}/{input.Target.Route.VirtualService} route '{input.Target.Route.RouteName}'";
        if (state.Active is { IsTerminal: false } a)
            return Decision.Refuse(state, RefusalKind.Conflict,
                $"{a.Id} ({state.Service} {a.Version}) is active at {Position(a)} and owns the traffic; restore changes nothing: " +
                $"use /release rollback {state.Service} to return its traffic to stable");
        if (input.Reading.Canary <= 0)
            return Decision.Refuse(state, RefusalKind.Conflict,
                $"nothing to restore: {route} already sends {input.Reading} (all traffic to stable)");

        var id = OrphanRolloutId(state.Service);
        var phase = state.LastFinished?.Phase ?? RolloutPhase.RolledBack;
        var record = input.Reading.WrittenByBot
            ? $"the bot last wrote stable {input.Reading.RecordedStable} / canary {input.Reading.RecordedCanary}"
            : "no record of the bot on the route";
        var why = $"{route}: {input.Reading} -> stable 100 / canary 0 with no active rollout ({record})"
                  + (input.Reason is { Length: > 0 } r ? $"; {r}" : "");
        List<Effect> fx =
        [
            new RollbackTraffic(input.Target) { RolloutId = id },
            new AuditEntry(state.Service, "restore", input.By, why, phase, RolloutPhase.RolledBack, now) { RolloutId = id },
        ];
        return new Decision(state, fx, Message: $"{state.Service}: traffic restored to stable on {route} (was {input.Reading})");
    }

    /// <summary>The restore's traffic change failed: audited, so the record says what happened; the traffic stays orphaned.</summary>
    private static Decision OnRestoreFailed(ServiceState state, EffectFailed f, DateTimeOffset now) =>
        new(state,
        [
            new AuditEntry(state.Service, "restore-failed", f.By, $"the cluster did not accept the restore: {f.Error}",
                RolloutPhase.RolledBack, RolloutPhase.RolledBack, now) { RolloutId = f.RolloutId },
        ], Message: $"{state.Service}: restore failed: {f.Error}");

    private static bool IsRestoreFailure(ServiceState state, EffectFailed f) =>
        f.Effect is RollbackTraffic && f.RolloutId == OrphanRolloutId(state.Service);
}
