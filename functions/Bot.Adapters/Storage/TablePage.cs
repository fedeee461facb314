using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>One page of a query; pass <see cref="Continuation"/> back for the next page, null when done.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);
