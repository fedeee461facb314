namespace Bot.Adapters.GitHub;

/// <summary>A webhook body or header that cannot be used; the message says what is wrong (sent back as the 400 body).</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);
