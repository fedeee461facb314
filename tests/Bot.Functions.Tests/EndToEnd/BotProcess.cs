using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bot.Functions.Tests.Support;
using Bot.TestKit;

namespace Bot.Functions.Tests.EndToEnd;

/// <summary>The real app as a child process in standalone mode (built Bot.Functions.dll, run with <c>dotnet</c>).</summary>
internal sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private BotProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string Output { get { lock (_output) return string.Join("\n", _output.TakeLast(60)); } }

    /// <summary>True when any line the process wrote so far contains <paramref name="text"/>.</summary>
    public bool Logged(string text) { lock (_output) return _output.Any(l => l.Contains(text, StringComparison.Ordinal)); }

    /// <param name="settings">More settings (configuration keys), e.g. the istio router and a kubeconfig; they win.</param>
    /// <param name="runTriggers">False: no queue listener or timer in this process (work is left to another one).</param>
    public static async Task<BotProcess> StartAsync(TestAppRoot root, string connectionString, int? port = null,
        IReadOnlyDictionary<string, string>? settings = null, bool runTriggers = true)
    {
        var dll = AppDll();
        var chosen = port ?? FreePort();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var (key, value) in root.Settings(connectionString, runTriggers).Concat(settings ?? new Dictionary<string, string>()))
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        psi.Environment["Bot__Port"] = chosen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment.Remove("Functions__Worker__HostEndpoint");
        var bot = new BotProcess(Process.Start(psi)!, chosen);
        using var http = bot.Client(null);
        for (var i = 0; i < 300; i++)
        {
            if (bot._process.HasExited) throw new InvalidOperationException($"the bot exited with {bot._process.ExitCode}:\n{bot.Output}");
            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return bot;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        bot.Dispose();
        throw new TimeoutException($"the bot did not become healthy:\n{bot.Output}");
    }

    public HttpClient Client(string? key)
    {
        var c = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        if (key is not null) c.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return c;
    }

    /// <summary>Sends one request with <paramref name="send"/>, kills this process (SIGKILL) <paramref name="delayMs"/> later
    /// and disposes it; says when the kill came (the machine is shared: the real gap is reported, not asserted) and what the
    /// request got.</summary>
    public async Task<string> KillWhileAsync(Func<HttpClient, Task<HttpResponseMessage>> send, int delayMs)
    {
        using var victim = Client(null);
        var watch = Stopwatch.StartNew();
        var first = send(victim);
        if (delayMs > 0) await Task.Delay(delayMs);
        var killedAt = watch.ElapsedMilliseconds;
        Kill();
        string answered;
        try { answered = $"{(int)(await first).StatusCode}"; }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException) { answered = "no answer"; }
        Dispose();
        return $"SIGKILL {killedAt} ms after the request was sent (asked {delayMs} ms), first request: {answered}";
    }

    /// <summary>SIGKILL: no shutdown hooks run.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }

    private static string AppDll()
    {
        // Built as a project reference, in the same configuration as this test assembly.
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", config, "net10.0", "Bot.Functions.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build functions/Bot.Functions ({config})");
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
