
namespace Bot.Functions.Hosting;

/// <summary>Base of the queue-triggered functions that consume a <see cref="WorkQueue"/>: reads the message from binding
/// <see cref="Binding"/> and does it in a fresh DI scope. A failure throws so the host (or the standalone listener)
/// retries and finally moves the message to <c>&lt;queue&gt;-poison</c> with its reason.</summary>
public abstract class WorkQueueFunction(IServiceScopeFactory scopes)
{
    public abstract string FunctionName { get; }

    /// <summary>Does one message in a fresh DI scope, as the trigger does (also used by <see cref="WorkQueue"/>'s prompt run,
    /// which passes the <paramref name="accepted"/> work object the message was made from).</summary>
    public async Task<string> RunAsync(string message, object? accepted, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await DoAsync(message, accepted, scope.ServiceProvider, ct);
    }

    /// <summary>Does one message; returns the outcome to log. Throws when the work failed. <paramref name="accepted"/> is the
    /// work object the endpoint queued, when the message runs promptly in the process that accepted it: it may carry what
    /// the endpoint already read (a state read, which saves a round trip), never anything the message lacks. Null when the
    /// trigger delivers the message.</summary>
    protected abstract Task<string> DoAsync(string message, object? accepted, IServiceProvider services, CancellationToken ct);
}
