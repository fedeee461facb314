using System.Diagnostics;
using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Benchmarks;

/// <summary>
/// The rollout engine without I/O: <see cref="RolloutMachine.Decide"/> throughput over a realistic mix of inputs, and the
/// engine's own cost per step as the executor pays it (load state JSON, decide, serialize state and pending effects).
/// </summary>
public sealed class EngineBenchmark : IBenchmark
{
    public string Name => "engine";
    public string Description => "Decide throughput and the engine's own overhead per step (no I/O)";

    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Dev = new("octocat", "octocat", "github");
    private static readonly Actor Sre = new("U0SRE", "sre", "slack");

    private static ReleaseConfig Config(string service) => new()
    {
        Service = service,
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = service, RouteName = "primary", DestinationRule = service },
        Deployments = new DeploymentSpec { Canary = $"{service}-canary", Stable = service, ImageTemplate = $"registry.example.com/{service}:{{version}}" },
        Steps = [new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5)), new ApprovalStep { Timeout = TimeSpan.FromHours(1) },
            new SetWeightStep(50), new PauseStep(TimeSpan.FromMinutes(10)), new PromoteStep()],
        Approvers = ["@sre"],
    };

    /// <summary>One rollout story with the noise real traffic has: duplicate and stale step messages, early sweeps,
    /// a refused self-approval, a status-less pause/resume. Returns every (state, input, now) Decide saw.</summary>
    private static List<(ServiceState State, RolloutInput Input, DateTimeOffset Now)> Story(string service)
    {
        var calls = new List<(ServiceState, RolloutInput, DateTimeOffset)>();
        var state = ServiceState.Empty(service);
        var now = T0;
        void Send(RolloutInput input)
        {
            calls.Add((state, input, now));
            state = RolloutMachine.Decide(state, input, now).State;
        }
        StepDue Due() => new(state.Active!.Id, state.Active.StepIndex) { By = Actor.Timer };

        Send(new StartRollout("1.4.2", Config(service)) { By = Dev });
        Send(Due());
        var stale = new StepDue(state.Active!.Id, 0) { By = Actor.Timer };
        Send(stale);                                   // redelivered
        Send(Due());                                   // bake starts
        now += TimeSpan.FromMinutes(2);
        Send(Due());                                   // early sweep
        now += TimeSpan.FromMinutes(3);
        Send(Due());                                   // bake done
        Send(Due());                                   // waiting approval
        Send(new Approve { By = Dev });                // self-approval refused
        Send(new Pause { By = Sre });
        Send(new Resume { By = Sre });
        Send(new Approve(state.Active!.Id, state.Active.StepIndex, state.Active.Revision) { By = Sre });
        Send(Due());
        Send(Due());
        now += TimeSpan.FromMinutes(10);
        Send(Due());
        Send(Due());                                   // promote
        Send(new Rollback { By = Sre });               // too late: refused
        return calls;
    }

    public Task RunAsync(TextWriter report, CancellationToken ct)
    {
        var mix = Enumerable.Range(0, 20).SelectMany(i => Story($"svc-{i}")).ToArray();

        // Throughput: replay the recorded mix (Decide is pure, so replaying is exact).
        for (var i = 0; i < 20_000; i++) RolloutMachine.Decide(mix[i % mix.Length].State, mix[i % mix.Length].Input, mix[i % mix.Length].Now);
        var runs = new List<double>();
        for (var run = 0; run < 5 && !ct.IsCancellationRequested; run++)
        {
            var sw = Stopwatch.StartNew();
            long n = 0;
            while (sw.ElapsedMilliseconds < 400)
            {
                foreach (var (s, input, now) in mix) RolloutMachine.Decide(s, input, now);
                n += mix.Length;
            }
            runs.Add(n / sw.Elapsed.TotalSeconds);
        }
        runs.Sort();
        report.WriteLine($"Decide throughput: median {Fmt(runs[runs.Count / 2])} decisions/s (min {Fmt(runs[0])}, max {Fmt(runs[^1])}) over a mix of {mix.Length} inputs");

        // Per-step overhead as the executor pays it, excluding storage and network: read state JSON, decide, write state + pending effects.
        var perStep = new List<double>();
        for (var iter = 0; iter < 3_000 && !ct.IsCancellationRequested; iter++)
        {
            foreach (var (s, input, now) in mix.Take(16))
            {
                var json = StateJson.Serialize(s);
                var ticks = Stopwatch.GetTimestamp();
                var loaded = StateJson.Deserialize<ServiceState>(json);
                var d = RolloutMachine.Decide(loaded, input, now);
                _ = StateJson.Serialize(d.State with { Pending = d.Effects });
                if (iter >= 200) perStep.Add(Stopwatch.GetElapsedTime(ticks).TotalMicroseconds);
            }
        }
        perStep.Sort();
        report.WriteLine($"Engine overhead per step (load JSON + Decide + save JSON, no I/O): p50 {perStep[perStep.Count / 2]:F1} µs, "
            + $"p99 {perStep[(int)(perStep.Count * 0.99)]:F1} µs, mean {perStep.Average():F1} µs ({perStep.Count} steps)");
        return Task.CompletedTask;
    }

    private static string Fmt(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
