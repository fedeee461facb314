using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bot.Adapters.Prometheus;

public sealed record PrometheusPoint(DateTimeOffset At, double Value);
