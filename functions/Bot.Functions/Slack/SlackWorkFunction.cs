using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary>Queue trigger on <c>slack-work</c> (the <c>SlackWork</c> function in functions.metadata): each message is a <see cref="SlackWork"/>
/// accepted by a Slack endpoint, done by <see cref="SlackWorkProcessor"/>. Failures end in <c>slack-work-poison</c>.</summary>
public sealed class SlackWorkFunction(IServiceScopeFactory scopes, ILogger<SlackWorkFunction> log) : WorkQueueFunction(scopes)
{
    public const string Name = "SlackWork";

    /// <summary>The queue name when no function catalog is registered (the queue of the <c>SlackWork</c> function).</summary>
    public const string DefaultQueue = Slack.SlackWorkTrigger.Queue;

    public override string FunctionName => Name;

    protected override async Task<string> DoAsync(string message, object? accepted, IServiceProvider services, CancellationToken ct)
    {
        var work = accepted as SlackWork ?? SlackWork.Parse(message);
        // Slack switched off after the work was accepted: fail so the message is kept in the poison queue, not dropped.
        var processor = services.GetService<SlackWorkProcessor>()
            ?? throw new InvalidOperationException($"{Name}: Slack is off (Slack:BotToken / Slack:SigningSecret unset); cannot do {work.GetType().Name}");
        await processor.ProcessAsync(work, ct);
        var outcome = $"{work.GetType().Name} done";
        log.LogInformation("{Function}: {Outcome}", Name, outcome);
        return outcome;
    }
}
