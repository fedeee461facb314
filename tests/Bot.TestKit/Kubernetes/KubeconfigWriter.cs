using System.Text;

namespace Bot.TestKit.Kubernetes;

/// <summary>Writes kubeconfig files pointing at a <see cref="KubernetesApiDouble"/>.</summary>
public static class KubeconfigWriter
{
    public static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    /// <summary>A kubeconfig with one cluster/user/context; <paramref name="userYaml"/> is the body of <c>users[0].user</c>,
    /// indented by 4 spaces (e.g. <c>"    token: abc"</c>).</summary>
    public static string Yaml(KubernetesApiDouble api, string context, string userYaml, string? ns = "shop", bool currentContext = true,
        string? clusterExtra = null, bool embedCa = true) =>
        $"""
        apiVersion: v1
        kind: Config
        {(currentContext ? $"current-context: {context}" : "")}
        clusters:
        - name: {context}-cluster
          cluster:
            server: {api.BaseAddress.ToString().TrimEnd('/')}
        {(embedCa ? $"    certificate-authority-data: {B64(api.Ca.CertificatePem)}" : "")}
        {clusterExtra ?? ""}
        users:
        - name: {context}-user
          user:
        {userYaml}
        contexts:
        - name: {context}
          context:
            cluster: {context}-cluster
            user: {context}-user
        {(ns is null ? "" : $"    namespace: {ns}")}
        """;

    public static string Write(string dir, string fileName, string yaml)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, fileName);
        File.WriteAllText(path, yaml);
        return path;
    }
}
