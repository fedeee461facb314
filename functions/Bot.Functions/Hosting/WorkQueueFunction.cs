using Bot.Functions.Invocations;

namespace Bot.Functions.Hosting;

/// <summary>Base of the queue-triggered functions that consume a <see cref="WorkQueue"/>: reads the message from binding
/// <see cref="Binding"/> and does it in a fresh DI scope. A failure throws so the host (or the standalone listener)
/// retries and finally moves the message to <c>&lt;queue&gt;-poison</c> with its reason.</summary>
public abstract class WorkQueueFunction(IServiceScopeFactory scopes) : IFunctionHandler
{
    /// <summary>The queue trigger's binding name in the function.json.</summary>
    public const string Binding = "msg";

    public abstract string FunctionName { get; }

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var text = invocation.TextOf(Binding) ?? throw new FormatException($"{FunctionName}: Data.{Binding} is missing");
        return FunctionResult.Done(await RunAsync(text, ct));
    }

    /// <summary>Does one message in a fresh DI scope, as the trigger does (also used by <see cref="WorkQueue"/>'s prompt run).</summary>
    public async Task<string> RunAsync(string message, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await DoAsync(message, scope.ServiceProvider, ct);
    }

    /// <summary>Does one message; returns the outcome to log. Throws when the work failed.</summary>
    protected abstract Task<string> DoAsync(string message, IServiceProvider services, CancellationToken ct);
}
