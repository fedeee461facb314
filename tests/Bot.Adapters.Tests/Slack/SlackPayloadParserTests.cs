using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.TestKit;

namespace Bot.Adapters.Tests.Slack;

public class SlackPayloadParserTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void ParseSlashCommand_PublishedBody_ReadsFields()
    {
        var raw = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("slack", "signature-vector.json")))!["rawBody"]!.GetValue<string>();
        var r = SlackPayloadParser.ParseSlashCommand(B(raw));
        Assert.Null(r.Error);
        var c = r.Value!;
        Assert.Equal(("T1DC2JH3J", "G8PSS9T3V", "U2CERLKJA", "roadrunner", "/webhook-collect", ""), (c.TeamId, c.ChannelId, c.UserId, c.UserName, c.Command, c.Text));
        Assert.Equal("https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN", c.ResponseUrl.AbsoluteUri);
        Assert.Equal("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", c.TriggerId);
    }

    [Fact]
    public void ParseSlashCommand_QuotedTextWithPlus_DecodesSpaces()
    {
        var r = SlackPayloadParser.ParseSlashCommand(B("team_id=T1&channel_id=C1&user_id=U1&command=%2Frelease&text=rollback+checkout+%22bad+build%22&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=1.2.3"));
        Assert.Equal("rollback checkout \"bad build\"", r.Value!.Text);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"command\":\"/release\"}", "JSON")]
    [InlineData("team_id=T1&channel_id=C1&command=%2Frelease&response_url=https%3A%2F%2Fh%2Fx&trigger_id=1", "'user_id'")]
    [InlineData("team_id=T1&channel_id=C1&user_id=U1&command=release&response_url=https%3A%2F%2Fh%2Fx&trigger_id=1", "'command' must start with '/'")]
    [InlineData("team_id=T1&channel_id=C1&user_id=U1&command=%2Frelease&response_url=hooks&trigger_id=1", "response_url must be an absolute https URL")]
    public void ParseSlashCommand_Malformed_SaysWhatIsWrong(string body, string expected)
    {
        var r = SlackPayloadParser.ParseSlashCommand(B(body));
        Assert.Null(r.Value);
        Assert.Contains(expected, r.Error);
    }

    private static string Payload(string json) => "payload=" + Uri.EscapeDataString(json);

    private const string Click = """
        {"type":"block_actions","team":{"id":"T9TK3CUKW","domain":"example"},
         "user":{"id":"UA8RXUSPL","username":"jtorrance","name":"jtorrance","team_id":"T9TK3CUKW"},
         "api_app_id":"AABA1ABCD","token":"9s8d9as89d8as9d8as989","trigger_id":"12466734323.1395872398.8ad1ee5b6f0d44e8",
         "container":{"type":"message","message_ts":"1548261231.000200","channel_id":"CBR2V3XEX","is_ephemeral":false},
         "channel":{"id":"CBR2V3XEX","name":"review-updates"},
         "message":{"ts":"1548261231.000200","text":"x","blocks":[]},
         "response_url":"https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209",
         "actions":[{"type":"button","action_id":"approve","block_id":"rollout","text":{"type":"plain_text","text":"Approve"},"value":"checkout-7|2|1","style":"primary","action_ts":"1548426417.840180"}]}
        """;

    [Fact]
    public void ParseBlockActions_ButtonClick_ReadsFirstAction()
    {
        var r = SlackPayloadParser.ParseBlockActions(B(Payload(Click)));
        Assert.Null(r.Error);
        var a = r.Value!;
        Assert.Equal(("UA8RXUSPL", "jtorrance", "CBR2V3XEX", "1548261231.000200", "approve", "checkout-7|2|1", "1548426417.840180"),
            (a.UserId, a.UserName, a.ChannelId, a.MessageTs, a.ActionId, a.Value, a.ActionTs));
        Assert.False(a.IsEphemeral);
    }

    [Theory]
    [InlineData("token=abc", "'payload' is missing")]
    [InlineData("payload=%7Bnot+json", "not valid JSON")]
    [InlineData("payload=%5B%5D", "must be a JSON object")]
    public void ParseBlockActions_BadForm_SaysWhatIsWrong(string body, string expected) =>
        Assert.Contains(expected, SlackPayloadParser.ParseBlockActions(B(body)).Error);

    [Theory]
    [InlineData("\"type\":\"block_actions\"", "\"type\":\"view_submission\"", "'view_submission' is not handled")]
    [InlineData("\"actions\":[{", "\"actionz\":[{", "payload.actions must be a non-empty array")]
    [InlineData("\"action_id\":\"approve\",", "", "action_id is missing")]
    [InlineData("\"user\":{\"id\":\"UA8RXUSPL\",", "\"user\":{", "payload.user.id is missing")]
    [InlineData(",\"action_ts\":\"1548426417.840180\"", "", "action_ts is missing")]
    public void ParseBlockActions_PayloadMissingPart_NamesIt(string from, string to, string expected) =>
        Assert.Contains(expected, SlackPayloadParser.ParseBlockActions(B(Payload(Click.Replace(from, to)))).Error);
}
