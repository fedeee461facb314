namespace Bot.Adapters.Prometheus;

/// <summary>Prometheus did not answer a query, or answered with an error (<c>errorType</c>, <c>error</c>); the message says
/// which server, which query and what to check.</summary>
public sealed class PrometheusException(string message, Exception? inner = null) : Exception(message, inner);
