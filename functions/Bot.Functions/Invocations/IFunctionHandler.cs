namespace Bot.Functions.Invocations;

/// <summary>Handles a queue- or timer-triggered function. <see cref="FunctionName"/> must equal the folder name of
/// its <c>function.json</c>. Register with <c>services.AddFunctionHandler&lt;T&gt;()</c>. Throw to fail the invocation.</summary>
public interface IFunctionHandler
{
    string FunctionName { get; }
    Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct);
}
