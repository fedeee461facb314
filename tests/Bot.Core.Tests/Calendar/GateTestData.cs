using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Calendar;

/// <summary>Rollouts and configs for the gate tests.</summary>
internal static class GateTestData
{
    public static readonly Actor Ana = new("U0ANA", "Ana", "slack");

    public static DeployWindow BerlinWeekdays => new()
    {
        TimeZone = "Europe/Berlin",
        Ranges = [new WeeklyRange([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], TimeSpan.FromHours(9), TimeSpan.FromHours(18))],
    };

    public static ReleaseConfig ConfigWith(DeployWindow? window = null, params StepSpec[] steps) => new()
    {
        Service = "checkout-api",
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        Steps = steps.Length > 0 ? steps : [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
        Window = window,
        Deployments = new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout", ImageTemplate = "registry.example.com/checkout:{version}" },
    };

    public static RolloutState Rollout(ReleaseConfig config, int stepIndex, int canaryWeight, DateTimeOffset at) => new()
    {
        Id = "checkout-api-7",
        Service = config.Service,
        Version = "3f2c9e1",
        Config = config,
        Phase = RolloutPhase.Progressing,
        StepIndex = stepIndex,
        CanaryWeight = canaryWeight,
        StartedBy = Ana,
        CreatedAt = at,
        UpdatedAt = at,
        StepStartedAt = at,
    };

    /// <summary>A cron evaluator that knows one rule: every day at <paramref name="hourUtc"/>:00 UTC.</summary>
    public sealed class DailyCron(int hourUtc) : ICronEvaluator
    {
        public string? Validate(string expression) => null;

        public DateTimeOffset? NextOccurrence(string expression, TimeZoneInfo zone, DateTimeOffset after)
        {
            var day = new DateTimeOffset(after.UtcDateTime.Date, TimeSpan.Zero).AddHours(hourUtc);
            return day > after ? day : day.AddDays(1);
        }
    }
}
