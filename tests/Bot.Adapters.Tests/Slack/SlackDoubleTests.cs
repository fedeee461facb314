using System.Net.Http.Headers;
using System.Text;
using Bot.TestKit.Slack;

namespace Bot.Adapters.Tests.Slack;

/// <summary>The double must refuse what Slack's contract refuses, or the client tests prove nothing.</summary>
public class SlackDoubleTests
{
    private readonly SlackDouble _slack = new SlackDouble().WithChannel("C0CHECKOUT1");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod verb, string method, string? json)
    {
        using var http = new HttpClient(_slack, false) { BaseAddress = _slack.ApiBase };
        var req = new HttpRequestMessage(verb, method);
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SlackDouble.BotToken);
        if (json is not null) req.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await http.SendAsync(req);
    }

    [Theory]
    [InlineData("chat.postMessage", """{"text":"x"}""", "required argument 'channel'")]
    [InlineData("chat.update", """{"channel":"C0CHECKOUT1","text":"x"}""", "required argument 'ts'")]
    [InlineData("chat.postMessage", """{"channel":"C0CHECKOUT1","text":"x","unfurl_links":"maybe"}""", "'unfurl_links' must be a boolean")]
    [InlineData("chat.postMessage", """{"channel":"C0CHECKOUT1","text":"x","colour":"red"}""", "'colour' is not in the contract")]
    [InlineData("chat.postMessage", """{"channel":"#checkout","text":"x"}""", "does not match")]
    [InlineData("chat.postMessage", """{"channel":"C0CHECKOUT1","text":"x","blocks":[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"Go"},"style":"green"}]}]}""", "style must be primary or danger")]
    public async Task Send_BreachesContract_RecordsViolation(string method, string json, string expected)
    {
        var r = await SendAsync(HttpMethod.Post, method, json);
        Assert.Equal(400, (int)r.StatusCode);
        Assert.Contains(_slack.Violations, v => v.Contains(expected));
    }

    [Fact]
    public async Task Send_WrongHttpVerb_RecordsViolation()
    {
        await SendAsync(HttpMethod.Post, "users.info", """{"user":"U0ALICE01"}""");
        Assert.Contains(_slack.Violations, v => v.Contains("contract says GET"));
    }

    [Fact]
    public void FailNext_ErrorSlackNeverReturnsForMethod_Throws() =>
        Assert.Throws<ArgumentException>(() => _slack.FailNext("chat.postMessage", "message_not_found"));
}
