using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Adapters.GitHub;

/// <summary>Azure Table <paramref name="table"/> (default <c>githuboutputs</c>): partition <c>rollout</c>, row = rollout id.</summary>
public sealed class TableGitHubOutputStore(ITableService tables, string table = TableGitHubOutputStore.DefaultTable) : IGitHubOutputStore
{
    public const string DefaultTable = "githuboutputs";
    private readonly string _table = table;
    private const string Partition = "rollout";
    private int _created;

    private async Task EnsureAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _created) == 1) return;
        await tables.CreateTableIfNotExistsAsync(_table, ct);
        Volatile.Write(ref _created, 1);
    }

    // Table keys may not hold / \ # ? or control characters.
    private static string Key(string id) => Uri.EscapeDataString(id).Replace("%", "~");

    public async Task<GitHubRolloutOutputs?> GetAsync(string rolloutId, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var e = await tables.GetAsync(_table, Partition, Key(rolloutId), ct);
        if (e is null) return null;
        long? L(string k) => e.Properties[k] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
        return new GitHubRolloutOutputs(rolloutId, L("CheckRunId"), L("DeploymentId"), (string?)e.Properties["LastDeploymentState"], (string?)e.Properties["CheckRunUrl"]);
    }

    public async Task SaveAsync(GitHubRolloutOutputs outputs, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var props = new JsonObject { ["RolloutId"] = outputs.RolloutId };
        if (outputs.CheckRunId is { } c) props["CheckRunId"] = c;
        if (outputs.DeploymentId is { } d) props["DeploymentId"] = d;
        if (outputs.LastDeploymentState is { } s) props["LastDeploymentState"] = s;
        if (outputs.CheckRunUrl is { } u) props["CheckRunUrl"] = u;
        await tables.UpsertAsync(_table, new TableEntity(Partition, Key(outputs.RolloutId), props), ct);
    }
}
