namespace Bot.Adapters.Kubernetes;

/// <summary>A fixed bearer token from the kubeconfig (<c>users[].user.token</c>) or username/password basic auth.</summary>
internal sealed class StaticTokenCredentials(string token) : IKubernetesCredentials
{
    public ValueTask<string?> GetTokenAsync(CancellationToken ct) => ValueTask.FromResult<string?>(token);
}
