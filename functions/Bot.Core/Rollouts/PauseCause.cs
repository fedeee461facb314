namespace Bot.Core.Rollouts;

/// <summary>Why a rollout is paused: resume continues differently for each.</summary>
public enum PauseCause
{
    /// <summary>A human sent pause; resume re-runs the current step where it stopped.</summary>
    Command,
    /// <summary>An indefinite <c>pause: {}</c> step; resume completes that step and moves on.</summary>
    Plan,
    /// <summary>Someone else changed the route's weights; resume re-asserts the bot's weight, rollback gives up.</summary>
    Drift,
    /// <summary>An effect failed where rolling back would be worse (stable not ready during promote); a human decides.</summary>
    Failure,
    /// <summary>The canary analysis asked a person (no verdict too long) or its metrics source kept failing: resume measures again
    /// (extend), approve passes the step anyway, rollback gives up. The rollout never promotes while paused for it.</summary>
    Analysis,
}
