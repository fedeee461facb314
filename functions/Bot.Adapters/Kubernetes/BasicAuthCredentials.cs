namespace Bot.Adapters.Kubernetes;

/// <summary>kubeconfig <c>username</c>/<c>password</c>; sent as HTTP basic auth. Rare (most clusters disable it) but part of the format.</summary>
internal sealed class BasicAuthCredentials(string username, string password) : IKubernetesCredentials
{
    public string Header { get; } = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{username}:{password}"));

    public ValueTask<string?> GetTokenAsync(CancellationToken ct) => ValueTask.FromResult<string?>(null);
}
