namespace Bot.Adapters.Storage;

/// <summary>What Update returns: use <see cref="PopReceipt"/> from now on.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleTime);
