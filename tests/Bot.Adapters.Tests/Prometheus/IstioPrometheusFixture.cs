using Bot.TestKit.Prometheus;

namespace Bot.Adapters.Tests.Prometheus;

/// <summary>One real Prometheus for the class, backfilled with ten minutes of Istio metrics per scenario namespace
/// (canary workload <c>checkout-canary</c>, stable <c>checkout-stable</c>, subsets as destination_version).</summary>
public sealed class IstioPrometheusFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset From = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset At = From.AddMinutes(9);

    public PrometheusServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var to = From.AddMinutes(10);
        var m = new List<IstioMetrics>();
        IstioMetrics Ns(string ns, (double Rps, double Errors, double Ms) canary, (double Rps, double Errors, double Ms) stable)
        {
            var x = new IstioMetrics(ns)
                .Traffic("checkout-canary", From, to, canary.Rps, canary.Errors, canary.Ms, version: "canary")
                .Traffic("checkout-stable", From, to, stable.Rps, stable.Errors, stable.Ms, version: "stable");
            m.Add(x);
            return x;
        }
        Ns("healthy", (10, 0.002, 20), (90, 0.002, 20));
        Ns("spike", (10, 0.2, 20), (90, 0.002, 20));
        Ns("slow", (10, 0, 300), (90, 0, 200));
        Ns("quiet", (0.5, 0.5, 20), (90, 0, 20));
        Server = await PrometheusServer.StartAsync(IstioMetrics.Combine(m));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
