using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Adapters.Slack;

/// <summary>
/// <see cref="ISlackMessageStore"/> in an Azure table (<c>slackmessages</c>): partition = rollout id, row
/// <c>live</c> holds channel + ts, rows <c>reply-…</c> mark posted thread replies (insert fails if already there).
/// </summary>
public sealed class TableSlackMessageStore(ITableService tables, string table = TableSlackMessageStore.DefaultTable) : ISlackMessageStore
{
    public const string DefaultTable = "slackmessages";
    private const string LiveRow = "live";
    private readonly EnsureOnce _table = EnsureOnce.Table(tables, table);

    public async Task<SlackMessageRef?> GetAsync(string rolloutId, CancellationToken ct)
    {
        await EnsureTableAsync(ct);
        var e = await tables.GetAsync(table, Key(rolloutId), LiveRow, ct);
        return e is null ? null : new SlackMessageRef(e.Properties["Channel"]!.GetValue<string>(), e.Properties["Ts"]!.GetValue<string>());
    }

    public async Task SaveAsync(string rolloutId, SlackMessageRef message, CancellationToken ct)
    {
        await EnsureTableAsync(ct);
        await tables.UpsertAsync(table, new TableEntity(Key(rolloutId), LiveRow, new JsonObject { ["Channel"] = message.Channel, ["Ts"] = message.Ts }), ct);
    }

    public async Task<bool> TryClaimReplyAsync(string rolloutId, string replyKey, CancellationToken ct)
    {
        await EnsureTableAsync(ct);
        try
        {
            await tables.InsertAsync(table, new TableEntity(Key(rolloutId), "reply-" + Key(replyKey), []), ct);
            return true;
        }
        catch (StorageException e) when (e.ErrorCode == "EntityAlreadyExists")
        {
            return false;
        }
    }

    public async Task ReleaseReplyAsync(string rolloutId, string replyKey, CancellationToken ct)
    {
        await EnsureTableAsync(ct);
        try
        {
            await tables.DeleteAsync(table, Key(rolloutId), "reply-" + Key(replyKey), "*", ct);
        }
        catch (StorageException e) when (e.IsNotFound)
        {
        }
    }

    private Task EnsureTableAsync(CancellationToken ct) => _table.EnsureAsync(ct);

    /// <summary>Table keys may not hold / \ # ? or control characters.</summary>
    private static string Key(string s) => string.Concat(s.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));
}
