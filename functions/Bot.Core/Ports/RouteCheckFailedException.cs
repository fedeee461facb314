using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>A precondition failed: nothing was changed. The message says what is missing and where.</summary>
public sealed class RouteCheckFailedException(string message) : Exception(message);
