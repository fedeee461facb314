using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bot.Adapters.Prometheus;

/// <summary>A server to query, with its credentials resolved from app settings (never logged).</summary>
public sealed record PrometheusEndpoint(Uri Url, string? BearerToken = null, string? Username = null, string? Password = null)
{
    public override string ToString() => Url.ToString();
}
