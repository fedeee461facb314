using System.Globalization;
using System.Text;

namespace Bot.TestKit.Prometheus;

/// <summary>
/// Istio's standard request metrics as the sidecars of one namespace would have exported them (<c>istio_requests_total</c>,
/// <c>istio_request_duration_milliseconds</c> with Istio's default buckets), written as OpenMetrics with timestamps so
/// <c>promtool tsdb create-blocks-from openmetrics</c> backfills them: a test states the traffic it wants at the times it
/// wants, and queries at a fixed <c>time=</c> answer the same on every run.
/// </summary>
public sealed class IstioMetrics(string ns)
{
    /// <summary>Istio's default duration buckets (ms).</summary>
    public static readonly double[] Buckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

    /// <summary>Scrape interval the samples are written at. The default value is 5 s.</summary>
    public TimeSpan Scrape { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><paramref name="perSecond"/> requests a second to <paramref name="workload"/> from <paramref name="from"/> to
    /// <paramref name="to"/>, <paramref name="errorShare"/> of them answered 503, each taking <paramref name="latencyMs"/>, as the
    /// <paramref name="reporter"/> proxy saw them (<c>destination</c>, the server's sidecar, as the built-ins read; or <c>source</c>,
    /// the client's, which also sees requests Istio's fault injection aborted before they reached the server).</summary>
    public IstioMetrics Traffic(string workload, DateTimeOffset from, DateTimeOffset to, double perSecond, double errorShare = 0, double latencyMs = 20,
        string version = "", string reporter = "destination")
    {
        var key = reporter == "destination" ? workload : $"{reporter}:{workload}";
        var s = _series.TryGetValue(key, out var existing) ? existing : _series[key] = new Series(workload, version, _ns, reporter);
        for (var t = from; t <= to; t += Scrape)
        {
            var n = perSecond * Scrape.TotalSeconds;
            s.Add(t, n * (1 - errorShare), n * errorShare, latencyMs);
        }
        return this;
    }

    /// <summary>Several namespaces' metrics in one backfill (each metric family once, as OpenMetrics requires).</summary>
    public static IstioMetrics Combine(IEnumerable<IstioMetrics> parts)
    {
        var all = new IstioMetrics("");
        foreach (var p in parts)
            foreach (var (key, series) in p._series) all._series[$"{p._ns}/{key}"] = series;
        return all;
    }

    private readonly string _ns = ns;

    public string ToOpenMetrics()
    {
        var sb = new StringBuilder();
        sb.Append("# TYPE istio_requests counter\n");
        foreach (var s in _series.Values)
            foreach (var code in new[] { "200", "503" })
                foreach (var p in s.Points)
                    Line(sb, "istio_requests_total", s.Labels(("response_code", code)), code == "200" ? p.Ok : p.Errors, p.At);
        sb.Append("# TYPE istio_request_duration_milliseconds histogram\n");
        foreach (var s in _series.Values)
        {
            foreach (var le in Buckets.Select(b => b.ToString(CultureInfo.InvariantCulture)).Append("+Inf"))
                foreach (var p in s.Points)
                    Line(sb, "istio_request_duration_milliseconds_bucket", s.Labels(("le", le)), p.Bucket(le), p.At);
            foreach (var p in s.Points) Line(sb, "istio_request_duration_milliseconds_sum", s.Labels(), p.Sum, p.At);
            foreach (var p in s.Points) Line(sb, "istio_request_duration_milliseconds_count", s.Labels(), p.Ok + p.Errors, p.At);
        }
        sb.Append("# EOF\n");
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string name, string labels, double value, DateTimeOffset at) =>
        sb.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value:0.###} {at.ToUnixTimeSeconds()}\n");

    private sealed class Series(string workload, string version, string ns, string reporter)
    {
        public List<Point> Points { get; } = [];

        public string Labels(params (string Name, string Value)[] extra)
        {
            var all = new List<(string, string)>
            {
                ("reporter", reporter), ("destination_workload", workload), ("destination_workload_namespace", ns), ("destination_version", version),
            };
            all.AddRange(extra);
            return string.Join(",", all.Select(l => $"{l.Item1}=\"{l.Item2}\""));
        }

        public void Add(DateTimeOffset at, double ok, double errors, double latency)
        {
            var last = Points.Count > 0 ? Points[^1] : new Point(at, 0, 0, 0, new double[Buckets.Length + 1]);
            if (Points.Count > 0 && at <= last.At) throw new ArgumentException("traffic of one workload must be stated in time order");
            var buckets = (double[])last.Buckets.Clone();
            for (var i = 0; i < Buckets.Length; i++) if (latency <= Buckets[i]) buckets[i] += ok + errors;
            buckets[^1] += ok + errors;
            Points.Add(new Point(at, last.Ok + ok, last.Errors + errors, last.Sum + latency * (ok + errors), buckets));
        }
    }

    private sealed record Point(DateTimeOffset At, double Ok, double Errors, double Sum, double[] Buckets)
    {
        public double Bucket(string le) => le == "+Inf" ? Buckets[^1] : Buckets[Array.IndexOf(IstioMetrics.Buckets, double.Parse(le, CultureInfo.InvariantCulture))];
    }
}
