using Bot.Core.Analysis;

namespace Bot.Core.Config;

/// <summary>A service's automated canary analysis (release config section <c>analysis</c>): where the metrics are, how
/// often they are judged, what passes, and how the bot answers a run of verdicts.</summary>
public sealed record AnalysisSpec
{
    public required PrometheusSpec Prometheus { get; init; }

    /// <summary>The window each verdict looks at, and how often one is drawn. The default value is 1 minute.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    public required IReadOnlyList<AnalysisMetric> Metrics { get; init; }

    /// <summary>How canary and stable are told apart in Istio's metrics. Null: by workload (the Deployments' names);
    /// a label name (e.g. <c>destination_version</c>): by that label, valued with the route's canary and stable subsets.</summary>
    public string? VersionLabel { get; init; }

    /// <summary>Confidence a relative (canary against stable) failure needs. The default value is 0.98.</summary>
    public double Confidence { get; init; } = CanaryJudge.DefaultConfidence;

    public AnalysisPolicy Policy { get; init; } = new();
}

/// <summary>The Prometheus HTTP API the analysis queries. Credentials are named by app setting, never written in the config.</summary>
public sealed record PrometheusSpec
{
    /// <summary>Base URL, e.g. <c>http://prometheus.istio-system:9090</c>.</summary>
    public required Uri Url { get; init; }

    /// <summary>App setting holding a bearer token; null sends none.</summary>
    public string? BearerTokenSetting { get; init; }

    /// <summary>Basic auth user; its password comes from <see cref="PasswordSetting"/>.</summary>
    public string? Username { get; init; }
    public string? PasswordSetting { get; init; }

    /// <summary>PEM file of the CA that signed the server's certificate, for a private CA; null trusts the system's.</summary>
    public string? CaFile { get; init; }
}

/// <summary>One metric: a built-in (<c>successRate</c>, <c>latencyP99</c>) or custom PromQL, and what passes (<see cref="Rule"/>).</summary>
/// <param name="Query">Custom metrics: PromQL for the canary's value, with <c>{{canary}}</c>, <c>{{stable}}</c>,
/// <c>{{namespace}}</c> and <c>{{interval}}</c> placeholders. Null for built-ins.</param>
/// <param name="StableQuery">Custom metrics compared with stable: PromQL for stable's value (same placeholders).</param>
public sealed record AnalysisMetric(MetricRule Rule, string? Query = null, string? StableQuery = null)
{
    public const string SuccessRate = "successRate";
    public const string LatencyP99 = "latencyP99";

    public bool IsBuiltIn => Query is null;
}
