namespace Bot.Core.Config;

/// <summary>Documented defaults of the release config.</summary>
public static class RolloutDefaults
{
    /// <summary>The plan used when a config has no <c>steps</c>: setWeight 10, approval, setWeight 50, pause 5m, promote.</summary>
    public static IReadOnlyList<StepSpec> Plan { get; } =
    [
        new SetWeightStep(10),
        new ApprovalStep(),
        new SetWeightStep(50),
        new PauseStep(TimeSpan.FromMinutes(5)),
        new PromoteStep(),
    ];

    /// <summary>Default number of rollouts <c>history</c> lists. The default value is 10.</summary>
    public const int HistoryCount = 10;

    /// <summary>Largest <c>history</c> count. The default value is 100.</summary>
    public const int MaxHistoryCount = 100;
}
