using System.Diagnostics;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.TestKit.Azurite;

namespace Bot.Benchmarks;

/// <summary>Round trips against a real Azurite started for the run: queue put/get/delete and table conditional update.</summary>
public sealed class StorageBenchmark : IBenchmark
{
    private const int Warmup = 30;
    private const int Iterations = 500;

    public string Name => "storage";
    public string Description => $"Azurite round trips (put, get, delete, conditional update), p50/p99 over {Iterations} each";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var queues = azurite.CreateQueueService();
        var tables = azurite.CreateTableService();
        var queue = AzuriteFixture.NewName("bench");
        var table = AzuriteFixture.NewName("bench");
        await queues.CreateIfNotExistsAsync(queue, ct);
        await tables.CreateTableIfNotExistsAsync(table, ct);

        var payload = """{"service":"checkout-api","rolloutId":"checkout-api-42","stepIndex":3}""";
        var put = new List<double>();
        var get = new List<double>();
        var delete = new List<double>();
        for (var i = 0; i < Warmup + Iterations; i++)
        {
            var measured = i >= Warmup;
            await Time(measured ? put : null, () => queues.SendAsync(queue, payload, null, null, ct));
            QueueMessage? message = null;
            await Time(measured ? get : null, async () => message = (await queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30), ct)).Single());
            await Time(measured ? delete : null, () => queues.DeleteMessageAsync(queue, message!.MessageId, message.PopReceipt, ct));
        }

        var update = new List<double>();
        var state = new JsonObject { ["Json"] = new string('x', 2_000) };
        var etag = await tables.InsertAsync(table, new TableEntity("state", "checkout-api", state), ct);
        for (var i = 0; i < Warmup + Iterations; i++)
        {
            var entity = new TableEntity("state", "checkout-api", new JsonObject { ["Json"] = new string('x', 2_000), ["N"] = i });
            await Time(i >= Warmup ? update : null, async () => etag = await tables.UpdateAsync(table, entity, etag, ct));
        }

        report.WriteLine($"Azurite 3.37 in-memory on 127.0.0.1, one client, sequential; Azure.Storage.Queues {typeof(Azure.Storage.Queues.QueueClient).Assembly.GetName().Version} and Azure.Data.Tables {typeof(Azure.Data.Tables.TableClient).Assembly.GetName().Version}; {Warmup} warm-up calls each.");
        report.WriteLine();
        report.WriteLine("| operation | n | p50 ms | p99 ms | max ms |");
        report.WriteLine("|---|---:|---:|---:|---:|");
        Row(report, "queue put (POST messages)", put);
        Row(report, "queue get (GET messages, lease 30 s)", get);
        Row(report, "queue delete (DELETE message)", delete);
        Row(report, "table conditional update (PUT If-Match, 2 KB)", update);
    }

    private static async Task Time(List<double>? samples, Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        samples?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private static void Row(TextWriter report, string name, List<double> samples)
    {
        samples.Sort();
        report.WriteLine($"| {name} | {samples.Count} | {Percentile(samples, 0.50):F2} | {Percentile(samples, 0.99):F2} | {samples[^1]:F2} |");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
