using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bot.Adapters.Prometheus;

/// <summary>
/// The two read calls of the Prometheus HTTP API the analysis needs: an instant query (<c>/api/v1/query</c>) and a range
/// query (<c>/api/v1/query_range</c>), both at an explicit time (the injected clock), so a verdict is reproducible.
/// Authentication is per request (bearer or basic) because every service names its own Prometheus.
/// </summary>
public sealed class PrometheusClient(HttpClient http)
{
    /// <summary>One value per series at <paramref name="at"/> (an instant vector; a scalar reads as one unlabelled series).</summary>
    public async Task<IReadOnlyList<PrometheusSeries>> QueryAsync(PrometheusEndpoint server, string promql, DateTimeOffset at, CancellationToken ct)
    {
        var url = Url(server, "api/v1/query", $"query={Uri.EscapeDataString(promql)}&time={Unix(at)}");
        return await SendAsync(server, url, promql, ct).ConfigureAwait(false);
    }

    /// <summary>Values every <paramref name="step"/> from <paramref name="start"/> to <paramref name="end"/> (a range matrix).</summary>
    public async Task<IReadOnlyList<PrometheusSeries>> QueryRangeAsync(PrometheusEndpoint server, string promql, DateTimeOffset start, DateTimeOffset end,
        TimeSpan step, CancellationToken ct)
    {
        var url = Url(server, "api/v1/query_range",
            $"query={Uri.EscapeDataString(promql)}&start={Unix(start)}&end={Unix(end)}&step={step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}");
        return await SendAsync(server, url, promql, ct).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<PrometheusSeries>> SendAsync(PrometheusEndpoint server, Uri url, string promql, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (server.BearerToken is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        else if (server.Username is { Length: > 0 } user)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{server.Password}")));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new PrometheusException($"Prometheus at {server.Url} did not answer ({e.Message}); check analysis.prometheus.url and that the bot can reach it", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var notTheApi = $"Prometheus at {server.Url} answered {(int)response.StatusCode} with a body that is not the query API's JSON"
                + (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden ? "; check the credentials" : "");
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                throw new PrometheusException(notTheApi);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status)) throw new PrometheusException(notTheApi);
                if (!response.IsSuccessStatusCode || status.GetString() != "success")
                {
                    var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
                    var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
                    throw new PrometheusException($"Prometheus at {server.Url} refused the query ({(int)response.StatusCode} {type}: {error}); query: {promql}");
                }
                try
                {
                    return Parse(root.GetProperty("data"));
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
                {
                    throw new PrometheusException($"{notTheApi} ({ex.Message})");
                }
            }
        }
    }

    private static List<PrometheusSeries> Parse(JsonElement data)
    {
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        var list = new List<PrometheusSeries>();
        switch (type)
        {
            case "scalar":
                list.Add(new PrometheusSeries(new Dictionary<string, string>(), [Point(result)]));
                break;
            case "vector":
                foreach (var s in result.EnumerateArray()) list.Add(new PrometheusSeries(Labels(s), [Point(s.GetProperty("value"))]));
                break;
            case "matrix":
                foreach (var s in result.EnumerateArray())
                    list.Add(new PrometheusSeries(Labels(s), [.. s.GetProperty("values").EnumerateArray().Select(Point)]));
                break;
            default:
                throw new PrometheusException($"the query returned a {type}; the analysis needs a number per series (instant vector or scalar)");
        }
        return list;
    }

    private static Dictionary<string, string> Labels(JsonElement s) =>
        s.TryGetProperty("metric", out var m) ? m.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "") : [];

    /// <summary>A <c>[unix seconds, "value"]</c> pair; Prometheus writes NaN and ±Inf as strings.</summary>
    private static PrometheusPoint Point(JsonElement pair) => new(
        DateTimeOffset.FromUnixTimeMilliseconds((long)(pair[0].GetDouble() * 1000)),
        double.Parse(pair[1].GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static string Unix(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static Uri Url(PrometheusEndpoint server, string path, string query)
    {
        var root = server.Url.AbsoluteUri.EndsWith('/') ? server.Url : new Uri(server.Url.AbsoluteUri + "/");
        return new UriBuilder(new Uri(root, path)) { Query = query }.Uri;
    }
}
