using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bot.TestKit;
using Bot.TestKit.Azurite;

namespace Bot.Benchmarks;

/// <summary>
/// Cold start of the bot's standalone host (a fresh <c>dotnet Bot.Functions.dll</c> process: the repository's host.json and
/// the build's functions.metadata, triggers on, Azurite for storage) to its first <c>GET /api/health</c> 200, and its working set then,
/// next to a bare ASP.NET Core app with one endpoint measured in the same run, in turns. Issue 11's target: no worse than the
/// build before the SDK move, measured the same way.
/// </summary>
public sealed class StartupBenchmark : IBenchmark
{
    private const int Runs = 7;

    public string Name => "startup";
    public string Description => "cold start to the first /api/health 200 and working set, next to a bare ASP.NET Core app";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var root = Directory.CreateTempSubdirectory("releasebot-startup-").FullName;
        try
        {
            // STARTUP_BOT_DLL: another build of the bot to measure the same way (e.g. one before a change, or a ReadyToRun publish).
            var bot = Environment.GetEnvironmentVariable("STARTUP_BOT_DLL") is { Length: > 0 } other ? other
                : Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", "Release", "net10.0", "Bot.Functions.dll");
            report.WriteLine($"bot: {bot}");

            // The app root as that build expects it: host.json and its functions.metadata; a build from before the isolated
            // worker reads function.json folders instead, found beside its project (functions/<Name>/function.json).
            File.Copy(Path.Combine(RepoPaths.Root, "host.json"), Path.Combine(root, "host.json"));
            var botDir = Path.GetDirectoryName(Path.GetFullPath(bot))!;
            if (File.Exists(Path.Combine(botDir, "functions.metadata"))) File.Copy(Path.Combine(botDir, "functions.metadata"), Path.Combine(root, "functions.metadata"));
            var functionsDir = Path.GetFullPath(Path.Combine(botDir, "..", "..", "..", ".."));
            if (Directory.Exists(functionsDir))
                foreach (var dir in Directory.EnumerateDirectories(functionsDir))
                    if (File.Exists(Path.Combine(dir, "function.json")))
                        File.Copy(Path.Combine(dir, "function.json"), Path.Combine(Directory.CreateDirectory(Path.Combine(root, Path.GetFileName(dir))).FullName, "function.json"));
            Directory.CreateDirectory(Path.Combine(root, "config"));
            var bare = Path.Combine(RepoPaths.Root, "tests", "Bot.Benchmarks.Bare", "bin", "Release", "net10.0", "Bot.Benchmarks.Bare.dll");
            foreach (var dll in new[] { bot, bare })
                if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build the solution in Release first");

            var results = new Dictionary<string, List<(double Ms, double MiB)>> { ["bot"] = [], ["bare"] = [] };
            for (var i = 0; i <= Runs; i++) // the first pair warms the disk cache and is not counted
            {
                var b = await MeasureAsync(bot, port => new Dictionary<string, string>
                {
                    ["AzureWebJobsStorage"] = azurite.ConnectionString,
                    ["Bot__Port"] = port.ToString(CultureInfo.InvariantCulture),
                    ["Bot__AppRoot"] = root,
                    ["Bot__RunTriggers"] = "true",
                    ["ReleaseConfig__Directory"] = Path.Combine(root, "config"),
                    ["Traffic__Mode"] = "recording",
                    ["CommandApi__Keys__0__Name"] = "bench",
                    ["CommandApi__Keys__0__Key"] = "bench-startup-key-0123456789",
                }, root, ct);
                var r = await MeasureAsync(bare, _ => [], root, ct);
                if (i == 0) continue;
                results["bot"].Add(b);
                results["bare"].Add(r);
            }

            report.WriteLine($"runs: {Runs} each, in turns, after one warm-up pair; a fresh process each, Azurite on loopback");
            report.WriteLine($"{"app",-34} {"start p50 ms",13} {"max ms",8} {"working set p50 MiB",20}");
            foreach (var (label, name) in new[] { ("bot (standalone host, triggers on)", "bot"), ("bare ASP.NET Core app", "bare") })
            {
                var l = results[name];
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label,-34} {Median(l.Select(x => x.Ms)),13:F0} {l.Max(x => x.Ms),8:F0} {Median(l.Select(x => x.MiB)),20:F0}"));
            }
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bot/bare start {Median(results["bot"].Select(x => x.Ms)) / Median(results["bare"].Select(x => x.Ms)):F2}; working set {Median(results["bot"].Select(x => x.MiB)) / Median(results["bare"].Select(x => x.MiB)):F2}"));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Starts <paramref name="dll"/>, polls <c>/api/health</c> every 5 ms until it answers 200, reads the working set, stops it.</summary>
    private static async Task<(double Ms, double MiB)> MeasureAsync(string dll, Func<int, Dictionary<string, string>> environment, string cwd, CancellationToken ct)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.Environment.Remove("Functions__Worker__HostEndpoint");
        foreach (var (k, v) in environment(port)) psi.Environment[k] = v;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with {process.ExitCode} before it was healthy");
                if (Stopwatch.GetElapsedTime(t0) > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{Path.GetFileName(dll)} was not healthy within 60 s");
                try
                {
                    using var r = await http.GetAsync("/api/health", ct);
                    if (r.StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                await Task.Delay(5, ct);
            }
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            process.Refresh();
            return (ms, process.WorkingSet64 / (1024.0 * 1024));
        }
        finally
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(ct); }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
