namespace Bot.Core.Ports;

/// <summary>What a service's route carries right now, percent (0-100) each: the live weights, and the weights the bot
/// recorded when it last wrote them (null when the route has no record of the bot: it never wrote it, or the record
/// was removed).</summary>
public sealed record RouteReading(int Stable, int Canary, int? RecordedStable = null, int? RecordedCanary = null)
{
    /// <summary>The bot's record for the route is there (its weights annotation on a VirtualService).</summary>
    public bool WrittenByBot => RecordedCanary is not null;

    public override string ToString() => $"stable {Stable} / canary {Canary}";
}
