namespace Bot.Core.Ports;

/// <summary>Reads a route without changing it (the orphan guard and the restore command). Implemented by the routers.</summary>
public interface ITrafficInspector
{
    /// <summary>The route's live weights and the bot's record of them. Throws <see cref="RouteCheckFailedException"/>
    /// when the object or the route is missing, saying what is missing.</summary>
    Task<RouteReading> ReadAsync(TrafficTarget target, CancellationToken ct);
}
