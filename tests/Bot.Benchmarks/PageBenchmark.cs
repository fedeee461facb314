using System.Diagnostics;
using System.Globalization;
using Bot.Adapters.Pages;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Benchmarks;

/// <summary>
/// The rollout page's server-side cost: <see cref="RolloutPage.Render"/> for a rollout with 200 audit events (weight
/// changes, approvals, pauses with reasons, analysis verdicts, a rollback), including the HTML encoding, p50/p99 over
/// 2,000 renders after a warm-up (target p99 ≤ 50 ms).
/// </summary>
public sealed class PageBenchmark : IBenchmark
{
    public string Name => "page";
    public string Description => "rollout page render with 200 events, p50/p99 (target p99 <= 50 ms)";

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public Task RunAsync(TextWriter report, CancellationToken ct)
    {
        var model = Model(200);
        for (var i = 0; i < 200; i++) RolloutPage.Render(model);
        var samples = new double[2000];
        var bytes = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            bytes = RolloutPage.Render(model).Length;
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        string P(double q) => samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(q * samples.Length) - 1)].ToString("0.000", CultureInfo.InvariantCulture);
        report.WriteLine($"200 events, {RolloutPage.Weights(model.Rollout, model.Events).Count} weight points, {bytes / 1024} KiB of HTML");
        report.WriteLine($"render p50 {P(0.50)} ms, p99 {P(0.99)} ms, max {P(1.0)} ms (target p99 <= 50 ms)");
        return Task.CompletedTask;
    }

    /// <summary>A long rollout: 40 weight steps each with a bake, approvals from Slack and GitHub, pauses, verdicts, and a
    /// rollback at the end; user text with markup in it, so encoding is part of the cost.</summary>
    internal static RolloutPageModel Model(int events)
    {
        var steps = new List<StepSpec>();
        for (var i = 1; i <= 40; i++)
        {
            steps.Add(new SetWeightStep(Math.Min(100, i * 2)));
            steps.Add(new PauseStep(TimeSpan.FromMinutes(10)));
            if (i % 10 == 0) steps.Add(new ApprovalStep { Timeout = TimeSpan.FromHours(1) });
        }
        var config = new ReleaseConfig
        {
            Service = "checkout-api", Namespace = "shop",
            Route = new RouteSpec { VirtualService = "checkout-api", RouteName = "primary", DestinationRule = "checkout-api" },
            Steps = steps,
        };
        var list = new List<AuditEntry>(events);
        var at = T0;
        var weight = 0;
        var sre = new Actor("U0SRE", "sre <on-call> & co", "slack");
        var dev = new Actor("octocat", "octocat", "github");
        for (var i = 0; list.Count < events - 2; i++)
        {
            at = at.AddMinutes(3);
            var (action, by, reason) = (i % 5) switch
            {
                0 => ("step", Actor.System, $"step {i} done: canary at {weight = Math.Min(80, weight + 2)}%"),
                1 => ("bake", Actor.Timer, "pause 10m"),
                2 => ("approve", i % 2 == 0 ? sre : dev, "dashboards <b>green</b> & p99 flat"),
                3 => ("analysis", Actor.System, "pass: error-rate canary 0.21% vs stable 0.19% (max 1%), p99 412 ms vs 398 ms"),
                _ => ("pause", sre, "waiting for the \"checkout\" team's go"),
            };
            list.Add(new AuditEntry("checkout-api", action, by, reason, RolloutPhase.Progressing, RolloutPhase.Progressing, at) { RolloutId = "checkout-api-7", CanaryWeight = weight });
        }
        list.Add(new AuditEntry("checkout-api", "rollback", sre, "p99 latency up", RolloutPhase.Progressing, RolloutPhase.RollingBack, at.AddMinutes(1)) { RolloutId = "checkout-api-7", CanaryWeight = weight });
        list.Add(new AuditEntry("checkout-api", "rolled-back", Actor.System, "the cluster accepted the rollback: canary 0%", RolloutPhase.RollingBack, RolloutPhase.RolledBack, at.AddMinutes(1).AddMilliseconds(400)) { RolloutId = "checkout-api-7", CanaryWeight = 0 });
        var rollout = new RolloutState
        {
            Id = "checkout-api-7", Service = "checkout-api", Version = "3.1.0", Config = config, StartedBy = dev,
            CreatedAt = T0, UpdatedAt = at.AddMinutes(1), FinishedAt = at.AddMinutes(1), Phase = RolloutPhase.RolledBack, StepIndex = 60,
            Approvals = [.. list.Where(e => e.Action == "approve").Take(4).Select((e, n) => new Approval(e.By, n * 10 + 2, 1, e.At))],
            Reason = "p99 latency up", RollbackLatency = TimeSpan.FromMilliseconds(400),
        };
        return new RolloutPageModel(rollout, list, at.AddMinutes(2), "../services/checkout-api?kid=k1&exp=1&sig=x");
    }
}
