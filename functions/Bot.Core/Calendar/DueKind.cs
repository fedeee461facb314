namespace Bot.Core.Calendar;

/// <summary>What comes due: a step message (bake end, approval deadline, window or cron slot), an approval reminder,
/// or effects committed with no step to follow (a rollback's traffic change) that must be applied even after a crash.</summary>
public enum DueKind { Step, Reminder, Reconcile,
    /// <summary>The analysis loop's next measurement; <see cref="DueItem.StepIndex"/> holds its round.</summary>
    Analysis }
