namespace Bot.Adapters.Kubernetes;

/// <summary>A kubeconfig or in-cluster setting is missing or wrong. The message names the file and the field.</summary>
public sealed class KubeConfigException(string file, string field, string problem)
    : Exception($"{file}: {field}: {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
