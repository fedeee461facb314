using Bot.Adapters.Slack;

namespace Bot.Functions.Slack;

/// <summary>Work accepted by a Slack endpoint and done after the 3-second acknowledgement.</summary>
public abstract record SlackWork;

public sealed record SlackCommandWork(SlackSlashCommand Command) : SlackWork;

public sealed record SlackActionWork(SlackBlockAction Action) : SlackWork;
