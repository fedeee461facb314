namespace Bot.Core.Rollouts;

/// <summary>Rollout ids are <c>{service}-{n}</c>, <c>n</c> the service's start count (<c>checkout-12</c>): the service is
/// read from the id without a lookup. The orphan-restore record (<c>{service}-orphan</c>) is the one id of another form.</summary>
public static class RolloutIds
{
    public static string Of(string service, int sequence) => $"{service}-{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The service part of a rollout id, or null when <paramref name="id"/> is not <c>{service}-{n}</c>.</summary>
    public static string? ServiceOf(string id)
    {
        var dash = id.LastIndexOf('-');
        if (dash <= 0 || dash == id.Length - 1) return null;
        foreach (var c in id.AsSpan(dash + 1))
            if (!char.IsAsciiDigit(c)) return null;
        return id[..dash];
    }
}
