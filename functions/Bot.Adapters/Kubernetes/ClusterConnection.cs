using k8s;

namespace Bot.Adapters.Kubernetes;

/// <summary>One cluster context resolved from a kubeconfig or the pod's service account: the SDK's configuration to build an
/// <see cref="IKubernetes"/> from, and the token source a 401 may refresh (token files rotate, exec credentials expire).</summary>
/// <param name="ContextName">The kubeconfig context name, or <c>in-cluster</c>.</param>
public sealed record ClusterConnection(string ContextName, KubernetesClientConfiguration Configuration, IRefreshableTokenProvider? Tokens);
