using System.Text.Json;
using Bot.Core.Execution;

namespace Bot.Functions.Traffic;

/// <summary>Builds the recording router for <c>Traffic:Mode=recording</c>. With a record file, calls are appended as
/// JSON lines (flushed per call) and the remembered weights are re-read at start, so a restarted process behaves
/// like the real router, which reads live weights: setting the weight already in place records nothing, and a write older than
/// the last recorded fence sequence is dropped.</summary>
public static class FileRecordingTrafficRouter
{
    public static RecordingTrafficRouter Create(string? recordFile)
    {
        if (string.IsNullOrWhiteSpace(recordFile)) return new RecordingTrafficRouter();
        var path = Path.GetFullPath(recordFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var router = new RecordingTrafficRouter(call =>
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(JsonSerializer.Serialize(call, JsonSerializerOptions.Web));
        });
        foreach (var call in Read(path))
        {
            if (call.Operation == "setWeight" && int.TryParse(call.Argument, out var w)) router.Seed(call.Target, w);
            else if (call.Operation == "rollback") router.Seed(call.Target, 0);
            if (call.Sequence is { } sequence) router.SeedSequence(call.Target, sequence);
        }
        return router;
    }

    /// <summary>The calls recorded in <paramref name="path"/> so far (empty when it does not exist).</summary>
    public static IReadOnlyList<RecordedCall> Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var calls = new List<RecordedCall>();
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                if (JsonSerializer.Deserialize<RecordedCall>(line, JsonSerializerOptions.Web) is { } c) calls.Add(c);
            }
            catch (JsonException) { /* a line torn by a kill mid-write */ }
        }
        return calls;
    }
}
