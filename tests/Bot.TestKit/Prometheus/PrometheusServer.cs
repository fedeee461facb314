using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bot.TestKit.Prometheus;

/// <summary>
/// A real Prometheus (Debian's package, installed by <c>scripts/test.sh</c> when missing; or <c>PROMETHEUS_BIN</c>) on a free
/// loopback port, its TSDB backfilled from the metrics a test wrote (<see cref="IstioMetrics"/>) with <c>promtool</c>, and/or
/// scraping one target the test serves (<see cref="IstioScrapeTarget"/>); retention is unlimited so backfilled history is kept
/// whatever today's date.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _dir;

    private PrometheusServer(Process process, string dir, Uri url)
    {
        _process = process;
        _dir = dir;
        Url = url;
    }

    public Uri Url { get; }

    public static string Binary => Environment.GetEnvironmentVariable("PROMETHEUS_BIN") is { Length: > 0 } bin ? bin : "/usr/bin/prometheus";

    /// <param name="scrape">A target to scrape (<c>/metrics</c>) every <paramref name="scrapeInterval"/> (default 1 s); none when null.</param>
    public static async Task<PrometheusServer> StartAsync(IstioMetrics? metrics = null, Uri? scrape = null, TimeSpan? scrapeInterval = null,
        CancellationToken ct = default)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"Prometheus is not installed at {Binary}: run `bash scripts/test.sh` (it installs Debian's prometheus) or set PROMETHEUS_BIN");
        var dir = Directory.CreateTempSubdirectory("prometheus-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(dir, "data")).FullName;
        if (metrics is not null)
        {
            var input = Path.Combine(dir, "backfill.om");
            await File.WriteAllTextAsync(input, metrics.ToOpenMetrics(), ct);
            var promtool = Path.Combine(Path.GetDirectoryName(Binary)!, "promtool");
            await RunAsync(promtool, ["tsdb", "create-blocks-from", "openmetrics", input, data], ct);
        }
        var config = Path.Combine(dir, "prometheus.yml");
        var every = $"{(long)(scrapeInterval ?? TimeSpan.FromSeconds(1)).TotalMilliseconds}ms";
        await File.WriteAllTextAsync(config, scrape is null ? "global: {}\n"
            : $"global: {{scrape_interval: {every}, scrape_timeout: {every}, evaluation_interval: {every}}}\n"
              + $"scrape_configs:\n  - job_name: istio\n    static_configs: [{{targets: [\"{scrape.Authority}\"]}}]\n", ct);
        var port = FreePort();
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = dir };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y" })
            info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Binary}");
        var log = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (log) { log.Add(l); if (log.Count > 30) log.RemoveAt(0); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                lock (log) throw new InvalidOperationException($"prometheus exited with {process.ExitCode}: {string.Join("\n", log)}");
            }
            try
            {
                using var ready = await http.GetAsync(new Uri(server.Url, "-/ready"), ct);
                if (ready.StatusCode == HttpStatusCode.OK) return server;
            }
            catch (HttpRequestException) { }
            if (clock.Elapsed > StartTimeout)
            {
                await server.DisposeAsync();
                lock (log) throw new TimeoutException($"prometheus was not ready within {StartTimeout.TotalSeconds} s: {string.Join("\n", log)}");
            }
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Stops the server (queries then fail as with an outage); <see cref="DisposeAsync"/> also removes its data.</summary>
    public void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
