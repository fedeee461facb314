using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Api;
using Bot.Functions.Tests.Support;

namespace Bot.Functions.Tests.Api;

/// <summary>Issue 9, findings 3-4: the command API's rollout view shows a rollback not yet applied, and what waits for the cluster.</summary>
public class RolloutViewTests
{
    [Fact]
    public void From_RollingBackWithRetry_ShowsPhaseUnchangedWeightAndNextAttempt()
    {
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var config = Configs.Checkout();
        var r = new RolloutState
        {
            Id = "checkout-api-1", Service = config.Service, Version = "2.0.0", Config = config, StartedBy = Configs.Deployer,
            CreatedAt = at, UpdatedAt = at, Phase = RolloutPhase.RollingBack, CanaryWeight = 40, StepIndex = 1,
            Retry = new EffectRetry(new RollbackTraffic(TrafficTarget.For(config)) { RolloutId = "checkout-api-1" }, "503 ServiceUnavailable", 3, at.AddSeconds(8)),
        };

        var view = RolloutView.From(r);

        Assert.Equal(("rollingBack", 40), (view.Phase, view.CanaryWeight));
        Assert.Equal(new RetryView("RollbackTraffic", "503 ServiceUnavailable", 3, at.AddSeconds(8)), view.Retry);
        Assert.Null(RolloutView.From(r with { Retry = null, Phase = RolloutPhase.RolledBack, CanaryWeight = 0 }).Retry);
    }
}
