using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Functions.Tests.Support;

internal static class Http
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonNode.Parse(text)!; }
        catch (JsonException) { throw new InvalidOperationException($"{(int)response.StatusCode}: not JSON: {text}"); }
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    /// <summary>Polls GET <paramref name="url"/> until <paramref name="until"/> holds (end-to-end waits on the queue
    /// listener; generous because the machine is shared). Returns the last body.</summary>
    public static async Task<JsonNode> WaitForAsync(this HttpClient client, string url, Func<JsonNode, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var r = await client.GetAsync(url);
            if (r.IsSuccessStatusCode)
            {
                last = await r.JsonAsync();
                if (until(last)) return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{url} never reached the expected state; last: {last?.ToJsonString()}");
    }
}
