using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>Where the next page of a query starts (the SDK's continuation token).</summary>
public sealed record TableContinuation(string Token);
