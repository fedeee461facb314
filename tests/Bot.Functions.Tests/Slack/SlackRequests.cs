using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;

namespace Bot.Functions.Tests.Slack;

/// <summary>Signed Slack requests as Slack sends them: slash-command forms and <c>block_actions</c> payloads.
/// Users: U0ALICE01 alice, U0BOB0001 bob, anyone else mallory.</summary>
public sealed class SlackRequests(string signingSecret, string channel, TimeProvider time)
{
    public HttpRequestMessage Signed(string path, string body, DateTimeOffset? at = null, string? secret = null)
    {
        var ts = (at ?? time.GetUtcNow()).ToUnixTimeSeconds().ToString();
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        req.Headers.Add(SlackSignature.TimestampHeader, ts);
        req.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.ComputeString(secret ?? signingSecret, ts, Encoding.UTF8.GetBytes(body)));
        return req;
    }

    private static int _trigger;

    public string CommandBody(string text, string user = "U0ALICE01", string? triggerId = null) =>
        $"token=legacy&team_id=T0000TEAM&team_domain=shop&channel_id={channel}&channel_name=releases&user_id={user}&user_name={Name(user)}" +
        $"&command=%2Frelease&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString($"https://hooks.slack.com/commands/T0000TEAM/{user}/{Interlocked.Increment(ref _trigger)}")}" +
        $"&trigger_id={triggerId ?? $"1.2.{_trigger}"}&api_app_id=A0RELEASE1";

    public string ClickBody(string actionId, string value, string user, string? actionTs = null, string? triggerId = null)
    {
        var n = Interlocked.Increment(ref _trigger);
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T0000TEAM", ["domain"] = "shop" },
            ["user"] = new JsonObject { ["id"] = user, ["username"] = Name(user), ["name"] = Name(user), ["team_id"] = "T0000TEAM" },
            ["api_app_id"] = "A0RELEASE1",
            ["token"] = "legacy",
            ["trigger_id"] = triggerId ?? $"9.8.{n}",
            ["response_url"] = $"https://hooks.slack.com/actions/T0000TEAM/{n}/x",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000101", ["channel_id"] = channel, ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "releases" },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button", ["action_id"] = actionId, ["block_id"] = "rollout", ["value"] = value,
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = actionId }, ["action_ts"] = actionTs ?? $"1700000100.{n:D6}",
            }),
        };
        return "payload=" + Uri.EscapeDataString(payload.ToJsonString());
    }

    private static string Name(string user) => user switch { "U0ALICE01" => "alice", "U0BOB0001" => "bob", _ => "mallory" };

}
