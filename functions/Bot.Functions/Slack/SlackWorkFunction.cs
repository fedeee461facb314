using Bot.Functions.Invocations;

namespace Bot.Functions.Slack;

/// <summary>Queue trigger on <c>slack-work</c> (<c>SlackWork/function.json</c>): each message is a <see cref="SlackWork"/>
/// accepted by a Slack endpoint, done by <see cref="ISlackWorkProcessor"/> in its own scope. A failure throws so the
/// host (or the standalone listener) retries and finally moves the message to <c>slack-work-poison</c> with its reason.</summary>
public sealed class SlackWorkFunction(IServiceScopeFactory scopes, ILogger<SlackWorkFunction> log) : IFunctionHandler
{
    public const string Name = "SlackWork";
    public const string Binding = "msg";

    /// <summary>The queue name when no function catalog is registered (the name in <c>SlackWork/function.json</c>).</summary>
    public const string DefaultQueue = "slack-work";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var text = invocation.TextOf(Binding) ?? throw new FormatException($"{Name}: Data.{Binding} is missing");
        var work = SlackWork.Parse(text);
        await using var scope = scopes.CreateAsyncScope();
        // Slack switched off after the work was accepted: fail so the message is kept in the poison queue, not dropped.
        var processor = scope.ServiceProvider.GetService<ISlackWorkProcessor>()
            ?? throw new InvalidOperationException($"{Name}: Slack is off (Slack:BotToken / Slack:SigningSecret unset); cannot do {work.GetType().Name}");
        await processor.ProcessAsync(work, ct);
        var outcome = $"{work.GetType().Name} done";
        log.LogInformation("{Function}: {Outcome}", Name, outcome);
        return FunctionResult.Done([outcome]);
    }
}
