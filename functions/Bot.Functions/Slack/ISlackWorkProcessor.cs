namespace Bot.Functions.Slack;

/// <summary>Does accepted Slack work and reports back to the user (response_url, chat.update, ephemeral).</summary>
public interface ISlackWorkProcessor
{
    Task ProcessAsync(SlackWork work, CancellationToken ct);
}
