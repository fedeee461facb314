namespace Bot.Core.Ports;

/// <summary>Implemented by an adapter's exception that knows whether its failure is the infrastructure's and may pass by
/// itself (the Kubernetes API answering 5xx or 429, or a conflict the adapter gave up on), as opposed to a problem a
/// human must fix (403, 404, an invalid object).</summary>
public interface ITransientFailure
{
    bool IsTransient { get; }
}
