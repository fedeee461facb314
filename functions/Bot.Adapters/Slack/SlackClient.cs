using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.Timeout;

namespace Bot.Adapters.Slack;

/// <summary>
/// The few Slack Web API methods the bot uses. Register with <c>AddHttpClient&lt;SlackClient&gt;</c> behind
/// <see cref="SlackAuthHandler"/> and <see cref="SlackResilienceHandler"/>; the base address is the API root.
/// Every <c>ok:false</c> answer becomes a <see cref="SlackApiException"/> carrying Slack's error code.
/// </summary>
public sealed class SlackClient(HttpClient http)
{
    /// <summary><c>POST chat.postMessage</c>; returns where the message lives.</summary>
    public async Task<SlackMessageRef> PostMessageAsync(string channel, SlackMessage message, string? threadTs, CancellationToken ct)
    {
        var body = MessageBody(channel, message);
        if (threadTs is not null) body["thread_ts"] = threadTs;
        body["unfurl_links"] = false;
        var r = await PostAsync(SlackRoutes.PostMessage, body, ct);
        return new SlackMessageRef(r["channel"]!.GetValue<string>(), r["ts"]!.GetValue<string>());
    }

    /// <summary><c>POST chat.update</c>: replaces text and blocks of a message the bot posted.</summary>
    public async Task UpdateMessageAsync(SlackMessageRef message, SlackMessage content, CancellationToken ct)
    {
        var body = MessageBody(message.Channel, content);
        body["ts"] = message.Ts;
        // Without blocks Slack keeps the old ones; an empty array removes them.
        body["blocks"] ??= new JsonArray();
        await PostAsync(SlackRoutes.Update, body, ct);
    }

    /// <summary><c>POST chat.postEphemeral</c>: visible to <paramref name="user"/> only; returns its <c>message_ts</c>.</summary>
    public async Task<string?> PostEphemeralAsync(string channel, string user, SlackMessage message, string? threadTs, CancellationToken ct)
    {
        var body = MessageBody(channel, message);
        body["user"] = user;
        if (threadTs is not null) body["thread_ts"] = threadTs;
        var r = await PostAsync(SlackRoutes.PostEphemeral, body, ct);
        return r["message_ts"]?.GetValue<string>();
    }

    /// <summary><c>GET chat.getPermalink</c>: the message's permalink (<c>https://{workspace}.slack.com/archives/…</c>).</summary>
    public async Task<Uri> GetPermalinkAsync(SlackMessageRef message, CancellationToken ct)
    {
        var r = await GetAsync($"{SlackRoutes.GetPermalink}?channel={Uri.EscapeDataString(message.Channel)}&message_ts={Uri.EscapeDataString(message.Ts)}",
            SlackRoutes.GetPermalink, ct);
        return new Uri(r["permalink"]!.GetValue<string>());
    }

    /// <summary><c>GET usergroups.users.list</c>: user IDs in the group (<c>S…</c>).</summary>
    public async Task<IReadOnlyList<string>> GetUserGroupMembersAsync(string userGroupId, CancellationToken ct)
    {
        var r = await GetAsync($"{SlackRoutes.UserGroupUsers}?usergroup={Uri.EscapeDataString(userGroupId)}", SlackRoutes.UserGroupUsers, ct);
        return r["users"] is JsonArray users ? users.Select(u => u!.GetValue<string>()).ToList() : [];
    }

    /// <summary><c>GET users.info</c>.</summary>
    public async Task<SlackUser> GetUserInfoAsync(string userId, CancellationToken ct)
    {
        var r = await GetAsync($"{SlackRoutes.UsersInfo}?user={Uri.EscapeDataString(userId)}", SlackRoutes.UsersInfo, ct);
        var u = r["user"]!.AsObject();
        return new SlackUser(
            u["id"]!.GetValue<string>(), u["name"]?.GetValue<string>() ?? userId, u["real_name"]?.GetValue<string>(),
            u["is_bot"]?.GetValue<bool>() ?? false, u["deleted"]?.GetValue<bool>() ?? false);
    }

    private static JsonObject MessageBody(string channel, SlackMessage message)
    {
        var body = new JsonObject { ["channel"] = channel, ["text"] = message.Text };
        if (message.Blocks is not null) body["blocks"] = message.Blocks.DeepClone();
        return body;
    }

    private Task<JsonObject> PostAsync(string method, JsonObject body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return SendAsync(method, request, ct);
    }

    private Task<JsonObject> GetAsync(string uri, string method, CancellationToken ct) =>
        SendAsync(method, new HttpRequestMessage(HttpMethod.Get, uri), ct);

    private async Task<JsonObject> SendAsync(string method, HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (TimeoutRejectedException e) { throw new SlackApiException(method, "timeout", HttpStatusCode.RequestTimeout, null, e); }
        catch (HttpRequestException e) { throw new SlackApiException(method, "network_error", e.StatusCode ?? 0, null, e); }

        using (response)
        {
            JsonObject? json = null;
            try { json = await response.Content.ReadFromJsonAsync<JsonObject>(ct); }
            catch (JsonException) { }

            var error = json?["error"] is JsonValue ev && ev.TryGetValue<string>(out var code) ? code : null;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                throw new SlackApiException(method, error ?? "ratelimited", response.StatusCode, response.Headers.RetryAfter?.Delta);
            if (!response.IsSuccessStatusCode || json is null)
                throw new SlackApiException(method, error ?? $"http_{(int)response.StatusCode}", response.StatusCode);
            if (json["ok"] is not JsonValue ok || !ok.TryGetValue<bool>(out var okValue) || !okValue)
                throw new SlackApiException(method, error ?? "unknown_error", response.StatusCode);
            return json;
        }
    }
}
