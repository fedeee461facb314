namespace Bot.Functions.Traffic;

/// <summary>Which traffic router moves traffic. Section <c>Traffic</c>.</summary>
public sealed class TrafficOptions
{
    public const string Section = "Traffic";

    /// <summary><c>istio</c>: the Kubernetes/Istio router registered by <c>AddKubernetes()</c>; start-up fails if it
    /// is not registered, so a production bot never silently moves no traffic. <c>recording</c>: a dry-run router
    /// that moves nothing and records each change (local runs, demos, tests). The default value is <c>istio</c>.</summary>
    public string Mode { get; set; } = "istio";

    /// <summary>With <c>recording</c>: also append each call as a JSON line to this file (survives restarts, so a
    /// test can check that no weight was applied twice). Optional.</summary>
    public string? RecordFile { get; set; }
}
