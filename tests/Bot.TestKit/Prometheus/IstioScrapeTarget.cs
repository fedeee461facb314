using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.TestKit.Prometheus;

/// <summary>
/// A live <c>/metrics</c> endpoint for Prometheus to scrape (<see cref="PrometheusServer.StartAsync"/> with a scrape target):
/// Istio's <c>istio_requests_total</c> counters (<c>reporter="destination"</c>) of some workloads, growing in real time at
/// the rate and 5xx share the caller sets now. Where a backfill states the past, this states "from now on": a breach
/// becomes visible in Prometheus at its next scrape.
/// </summary>
public sealed class IstioScrapeTarget : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Workload> _workloads = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private readonly string _ns;

    private IstioScrapeTarget(WebApplication app, string ns)
    {
        _app = app;
        _ns = ns;
    }

    /// <summary>http://127.0.0.1:port (Prometheus scrapes <c>/metrics</c>).</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<IstioScrapeTarget> StartAsync(string ns)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var target = new IstioScrapeTarget(app, ns);
        app.MapGet("/metrics", (HttpContext ctx) => Results.Text(target.Render(), "text/plain; version=0.0.4", Encoding.UTF8));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        target.Url = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return target;
    }

    /// <summary>From now on <paramref name="workload"/> serves <paramref name="perSecond"/> requests a second, <paramref name="errorShare"/>
    /// of them answered 503. The counters keep what they counted so far (they only grow, as a sidecar's do).</summary>
    public void Set(string workload, double perSecond, double errorShare = 0)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (!_workloads.TryGetValue(workload, out var w)) _workloads[workload] = w = new Workload { Since = now };
            w.Catch(now);
            w.PerSecond = perSecond;
            w.ErrorShare = errorShare;
        }
    }

    private string Render()
    {
        var sb = new StringBuilder("# TYPE istio_requests_total counter\n");
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (name, w) in _workloads)
            {
                w.Catch(now);
                foreach (var (code, value) in new[] { ("200", w.Ok), ("503", w.Errors) })
                    sb.Append(CultureInfo.InvariantCulture,
                        $"istio_requests_total{{reporter=\"destination\",destination_workload=\"{name}\",destination_workload_namespace=\"{_ns}\",response_code=\"{code}\"}} {Math.Floor(value)}\n");
            }
        }
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Workload
    {
        public long Since { get; set; }
        public double PerSecond { get; set; }
        public double ErrorShare { get; set; }
        public double Ok { get; private set; }
        public double Errors { get; private set; }

        /// <summary>Counts what the rate served between the last count and <paramref name="now"/>.</summary>
        public void Catch(long now)
        {
            var seconds = Stopwatch.GetElapsedTime(Since, now).TotalSeconds;
            Ok += seconds * PerSecond * (1 - ErrorShare);
            Errors += seconds * PerSecond * ErrorShare;
            Since = now;
        }
    }
}
