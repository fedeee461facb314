using Bot.Adapters.Slack;
using Microsoft.Extensions.Options;

namespace Bot.TestKit.Slack;

/// <summary>Builds the production Slack clients (same handler chain as <c>AddSlack</c>) over a <see cref="SlackDouble"/>.</summary>
public static class SlackDoubleClients
{
    public static SlackOptions Options(string token = SlackDouble.BotToken) => new()
    {
        BotToken = token,
        SigningSecret = "test-signing-secret",
        RetryBaseDelay = TimeSpan.Zero,
    };

    public static SlackClient CreateClient(this SlackDouble slack, TimeProvider time, SlackOptions? options = null)
    {
        var o = Microsoft.Extensions.Options.Options.Create(options ?? Options());
        var chain = new SlackAuthHandler(o) { InnerHandler = new SlackResilienceHandler(o, time) { InnerHandler = slack } };
        return new SlackClient(new HttpClient(chain) { BaseAddress = slack.ApiBase });
    }

    public static SlackResponseUrlClient CreateResponseUrlClient(this SlackDouble slack, TimeProvider time) =>
        new(new HttpClient(slack, disposeHandler: false), time);
}
