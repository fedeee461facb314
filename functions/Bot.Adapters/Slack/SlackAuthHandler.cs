using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.Slack;

/// <summary>Adds the bot token to every Web API request, so no call site handles the secret.</summary>
public sealed class SlackAuthHandler(IOptions<SlackOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.BotToken);
        return base.SendAsync(request, cancellationToken);
    }
}
