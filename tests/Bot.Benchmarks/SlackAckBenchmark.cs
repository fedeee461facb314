using Bot.TestKit;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Functions.Slack;
using Bot.TestKit.Azurite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Bot.Functions.Hosting;

namespace Bot.Benchmarks;

/// <summary>
/// Slack acknowledgement latency over real HTTP (Kestrel on loopback): signed slash commands to
/// <c>/api/slack/commands</c> (verify, parse, dedup, one put on the <c>slack-work</c> queue on a real Azurite,
/// ephemeral ack) versus an empty endpoint in the same app and run, at 1 and 50 concurrent clients. <c>status</c> acts on
/// no rollout; <c>pause</c> is bound at intake to the service's active rollout (one state read on Azurite before the put). No queue trigger
/// runs, so nothing leaves the machine; the queue is deleted afterwards. Target: p99 ≤ 20 ms at 50 concurrent (Slack's limit is 3 s).
/// </summary>
public sealed class SlackAckBenchmark : IBenchmark
{
    private const string Secret = "bench-signing-secret";
    private const int Requests = 2000;

    public string Name => "slack-ack";
    public string Description => "Slack command ack latency p50/p99 at 1 and 50 concurrent, vs an empty endpoint";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        // The durable hand-off's put is part of the ack, so it is measured against a real queue service.
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var queues = azurite.CreateQueueService();
        var queue = AzuriteFixture.NewName("slack");

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSlack();
        builder.Services.Configure<SlackOptions>(o => { o.SigningSecret = Secret; o.BotToken = "xoxb-bench"; });
        builder.Services.AddSingleton<IQueueService>(queues);
        builder.Services.AddSingleton(new Bot.Functions.Hosting.FunctionCatalog(Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", "Release", "net10.0")));
        builder.Services.AddSingleton(new WorkQueue<SlackWork>(queues, queue));
        var store = new TableRolloutStore(azurite.CreateTableService(), new StorageOptions { RolloutsTable = AzuriteFixture.NewName("rollouts") });
        await store.SaveAsync(Bot.Core.Rollouts.ServiceState.Empty("checkout"), null, ct);
        builder.Services.AddSingleton<Bot.Core.Ports.IRolloutStore>(store);
        await using var app = builder.Build();
        Bot.Functions.Standalone.HttpFunctionEndpoints.MapFunctions(app, "SlackCommands", "SlackInteractions");
        app.MapPost("/api/empty", () => Microsoft.AspNetCore.Http.Results.Ok());
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(address) };
        var n = 0;
        HttpRequestMessage Command() => Slash("status+checkout");
        HttpRequestMessage Bound() => Slash("pause+checkout");
        HttpRequestMessage Slash(string text)
        {
            var i = Interlocked.Increment(ref n);
            var body = $"team_id=T0000TEAM&channel_id=C0CHECKOUT1&user_id=U0ALICE01&user_name=alice&command=%2Frelease&text={text}" +
                       $"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0%2F{i}%2Fx&trigger_id=1.2.{i}";
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
            var req = new HttpRequestMessage(HttpMethod.Post, "/api/slack/commands") { Content = new StringContent(body, Encoding.UTF8) };
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            req.Headers.Add(SlackSignature.TimestampHeader, ts);
            req.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.ComputeString(Secret, ts, Encoding.UTF8.GetBytes(body)));
            return req;
        }
        HttpRequestMessage Empty() => new(HttpMethod.Post, "/api/empty") { Content = new StringContent("token=x") };

        // Warm-up at the highest concurrency measured: JIT, thread pool growth, client and storage connections.
        await MeasureAsync(http, Command, 1000, 50, ct);
        await MeasureAsync(http, Bound, 1000, 50, ct);
        await MeasureAsync(http, Empty, 1000, 50, ct);

        report.WriteLine($"{"endpoint",-24} {"concurrency",11} {"requests",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var concurrency in new[] { 1, 50 })
        {
            foreach (var (label, make) in new (string, Func<HttpRequestMessage>)[]
                     { ("empty endpoint", Empty), ("commands: status", Command), ("commands: pause (bound)", Bound) })
            {
                var l = await MeasureAsync(http, make, Requests, concurrency, ct);
                report.WriteLine($"{label,-24} {concurrency,11} {Requests,9} {P(l, 0.50),8:F2} {P(l, 0.99),8:F2} {l[^1],8:F2}");
            }
            // The floor under the ack: the same queue put alone, straight from the client, at the same concurrency.
            var puts = await MeasurePutsAsync(queues, queue, Requests, concurrency, ct);
            report.WriteLine($"{"Azurite put alone",-24} {concurrency,11} {Requests,9} {P(puts, 0.50),8:F2} {P(puts, 0.99),8:F2} {puts[^1],8:F2}");
        }
        await app.StopAsync(ct);
        await queues.DeleteQueueAsync(queue, ct);
    }

    private static async Task<double[]> MeasureAsync(HttpClient http, Func<HttpRequestMessage> make, int count, int concurrency, CancellationToken ct)
    {
        var latencies = new double[count];
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                using var req = make();
                var start = Stopwatch.GetTimestamp();
                using var res = await http.SendAsync(req, ct);
                await res.Content.ReadAsByteArrayAsync(ct);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!res.IsSuccessStatusCode) throw new InvalidOperationException($"{req.RequestUri}: {(int)res.StatusCode}");
            }
        });
        await Task.WhenAll(workers);
        Array.Sort(latencies);
        return latencies;
    }

    private static async Task<double[]> MeasurePutsAsync(IQueueService queues, string queue, int count, int concurrency, CancellationToken ct)
    {
        var latencies = new double[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var start = Stopwatch.GetTimestamp();
                await queues.SendAsync(queue, "{\"kind\":\"command\",\"bench\":" + i + "}", null, null, ct);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }));
        Array.Sort(latencies);
        return latencies;
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
