using Bot.Core.Ports;

namespace Bot.Core.Rollouts;

public static partial class RolloutMachine
{
    // ---- fenced traffic writes ------------------------------------------------------------------------------------

    /// <summary>Gives every traffic write of an accepted decision (SetTraffic, RollbackTraffic, SetHeaderRoute, SetMirror) the next
    /// <see cref="ServiceState.TrafficSequence"/> and the canary weight the state believes live before it, so the router can refuse
    /// a late write from a slower instance. Writes that already carry a fence (re-decided from stored effects) keep it.</summary>
    private static Decision AssignFences(ServiceState before, RolloutInput input, Decision d)
    {
        if (!d.Accepted || d.Effects.Count == 0) return d;
        var seq = Math.Max(before.TrafficSequence, d.State.TrafficSequence);
        // A decision on an accepted write starts from the weight that write put in place.
        var live = input switch
        {
            TrafficApplied { Effect: SetTraffic t } => t.CanaryWeight,
            TrafficApplied { Effect: RollbackTraffic } => 0,
            _ => before.Active?.CanaryWeight ?? 0,
        };
        var changed = false;
        var fx = new List<Effect>(d.Effects.Count);
        foreach (var e in d.Effects)
        {
            switch (e)
            {
                case SetTraffic { Fence: null } t:
                    fx.Add(t with { Fence = new TrafficFence(++seq, live) });
                    live = t.CanaryWeight;
                    changed = true;
                    break;
                case RollbackTraffic { Fence: null } r:
                    fx.Add(r with { Fence = new TrafficFence(++seq, live) });
                    live = 0;
                    changed = true;
                    break;
                case SetHeaderRoute { Fence: null } h:
                    fx.Add(h with { Fence = new TrafficFence(++seq, live) });
                    changed = true;
                    break;
                case SetMirror { Fence: null } m:
                    fx.Add(m with { Fence = new TrafficFence(++seq, live) });
                    changed = true;
                    break;
                case SetFault { Fence: null } f:
                    fx.Add(f with { Fence = new TrafficFence(++seq, live) });
                    changed = true;
                    break;
                default:
                    fx.Add(e);
                    break;
            }
        }
        return changed ? d with { State = d.State with { TrafficSequence = seq }, Effects = fx } : d;
    }

    /// <summary>The router refused one of our writes as older than the route's. When another instance owns the state this decision
    /// is never committed (its ETag is gone). Committed, it means the state's sequence is behind the cluster: catch up, and either
    /// re-issue a rollback (always allowed) or pause as for drift so a human decides; nothing newer is overwritten silently.</summary>
    private static Decision OnTrafficFenced(ServiceState state, TrafficFenced f, DateTimeOffset now)
    {
        var caughtUp = state with { TrafficSequence = Math.Max(state.TrafficSequence, f.LiveSequence) };
        var mine = FenceOf(f.Effect)?.Sequence;
        var what = $"traffic write {mine?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unfenced)"} ({f.Effect.GetType().Name}) of {f.RolloutId} was refused: "
            + $"the route carries write {f.LiveSequence}, newer than the bot's state knew";
        if (f.Effect is RollbackTraffic rollback)
            return new Decision(caughtUp, [rollback with { Fence = null }], Message: $"{what}; rollback re-issued after it");
        if (state.Active is { } r && r.Id == f.RolloutId && !r.IsTerminal)
            return PauseFor(caughtUp, r, PauseCause.Drift, NoticeKind.Drift, f.By, now,
                $"{what}; nothing was overwritten; resume to re-assert canary {r.CanaryWeight}% or rollback");
        return NoOp(caughtUp, what);
    }

    /// <summary>The fence of a traffic write, or null for other effects (and unfenced writes).</summary>
    public static TrafficFence? FenceOf(Effect effect) => effect switch
    {
        SetTraffic e => e.Fence,
        RollbackTraffic e => e.Fence,
        SetHeaderRoute e => e.Fence,
        SetMirror e => e.Fence,
        SetFault e => e.Fence,
        _ => null,
    };
}
