namespace Bot.Functions.GitHub;

/// <summary>What a delivery led to; the endpoint returns it as the 202 body (GitHub shows it under Recent Deliveries).</summary>
public sealed record WebhookOutcome(bool Handled, string Message)
{
    public static WebhookOutcome Ignored(string reason) => new(false, reason);
    public static WebhookOutcome Done(string message) => new(true, message);
}
