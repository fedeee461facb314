namespace Bot.Adapters.Kubernetes;

/// <summary>How the bot reaches Kubernetes clusters. Bound from the <c>Kubernetes</c> configuration section.</summary>
public sealed record KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>kubeconfig path(s), separated like <c>KUBECONFIG</c> (':' on Linux). Null uses <c>KUBECONFIG</c>,
    /// then <c>~/.kube/config</c>. The default value is null.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Use the pod's service account (token, CA and namespace under
    /// <c>/var/run/secrets/kubernetes.io/serviceaccount</c>). Null means: in-cluster when
    /// <c>KUBERNETES_SERVICE_HOST</c> is set and no kubeconfig path is configured. The default value is null.</summary>
    public bool? InCluster { get; init; }

    /// <summary>Folder of the service-account files for in-cluster mode. The default value is
    /// <c>/var/run/secrets/kubernetes.io/serviceaccount</c>.</summary>
    public string ServiceAccountPath { get; init; } = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Timeout of one HTTP attempt. The default value is 10 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a 429, a 5xx, a network error or a timeout (not counting the first attempt). The default value is 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Base delay of the exponential, jittered backoff; a <c>Retry-After</c> header overrides it. The default value is 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts of a read-transform-write cycle when the write loses a resourceVersion race (409, or 422 from a
    /// failed JSON-patch <c>test</c>). The default value is 5.</summary>
    public int MaxConflictAttempts { get; init; } = 5;

    /// <summary>How often a token file (in-cluster projected token, kubeconfig <c>tokenFile</c>) is re-read, since it rotates.
    /// The default value is 1 minute.</summary>
    public TimeSpan TokenRefreshInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest time an exec credential plugin may run. The default value is 30 seconds.</summary>
    public TimeSpan ExecTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
