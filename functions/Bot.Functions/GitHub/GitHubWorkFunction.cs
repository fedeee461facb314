using Bot.Functions.Invocations;

namespace Bot.Functions.GitHub;

/// <summary>Queue trigger on <c>github-work</c> (<c>GitHubWork/function.json</c>): each message is a <see cref="GitHubWork"/>
/// accepted by <c>POST /api/github</c>, handled by <see cref="GitHubEventHandler"/> in its own scope. A failure throws so
/// the host (or the standalone listener) retries and finally moves the message to <c>github-work-poison</c> with its reason.</summary>
public sealed class GitHubWorkFunction(IServiceScopeFactory scopes, ILogger<GitHubWorkFunction> log) : IFunctionHandler
{
    public const string Name = "GitHubWork";
    public const string Binding = "msg";

    /// <summary>The queue name when no function catalog is registered (the name in <c>GitHubWork/function.json</c>).</summary>
    public const string DefaultQueue = "github-work";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var text = invocation.TextOf(Binding) ?? throw new FormatException($"{Name}: Data.{Binding} is missing");
        var e = GitHubWork.Parse(text).Delivery;
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<GitHubEventHandler>().HandleAsync(e, ct);
        log.LogInformation("GitHub {Event} {Delivery}: {Outcome}", e.Event, e.DeliveryId, outcome.Message);
        return FunctionResult.Done($"{e.Event} {e.DeliveryId}: {outcome.Message}");
    }
}
