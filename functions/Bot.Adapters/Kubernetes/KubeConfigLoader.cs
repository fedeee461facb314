using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Bot.Adapters.Kubernetes;

/// <summary>Resolves a <see cref="ClusterConnection"/> from kubeconfig files (several merged, like kubectl) or from the pod's
/// service account. Errors name the file and the field.</summary>
public sealed class KubeConfigLoader(KubernetesOptions options, TimeProvider time, Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _env = environment ?? Environment.GetEnvironmentVariable;

    private static readonly IDeserializer Yaml = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    /// <summary>Whether to use the in-cluster service account: <see cref="KubernetesOptions.InCluster"/>, else when running in a pod
    /// without a configured kubeconfig path.</summary>
    public bool UseInCluster =>
        options.InCluster ?? (options.KubeconfigPath is null && _env("KUBECONFIG") is null
                              && _env("KUBERNETES_SERVICE_HOST") is { Length: > 0 });

    /// <summary>The connection for <paramref name="context"/> (null: the current context, or in-cluster).</summary>
    public ClusterConnection Load(string? context)
    {
        if (UseInCluster)
        {
            if (context is not null && context != "in-cluster")
                throw new KubeConfigException(options.ServiceAccountPath, "context",
                    $"the bot runs in-cluster and cannot select context '{context}'; set Kubernetes:KubeconfigPath to use contexts");
            return LoadInCluster();
        }
        return LoadKubeConfig(KubeconfigPaths(), context);
    }

    /// <summary>kubeconfig files in merge order: the option, else <c>KUBECONFIG</c>, else <c>~/.kube/config</c>.</summary>
    public IReadOnlyList<string> KubeconfigPaths()
    {
        var raw = options.KubeconfigPath ?? _env("KUBECONFIG");
        if (string.IsNullOrWhiteSpace(raw))
            return [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
        return raw.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public ClusterConnection LoadInCluster()
    {
        var dir = options.ServiceAccountPath;
        var host = _env("KUBERNETES_SERVICE_HOST");
        var port = _env("KUBERNETES_SERVICE_PORT");
        string authority = string.IsNullOrEmpty(host)
            ? "kubernetes.default.svc:443"
            : $"{(host.Contains(':') ? $"[{host}]" : host)}:{(string.IsNullOrEmpty(port) ? "443" : port)}";
        var tokenPath = Path.Combine(dir, "token");
        var caPath = Path.Combine(dir, "ca.crt");
        if (!File.Exists(tokenPath)) throw new KubeConfigException(tokenPath, "token", "the service-account token file is missing (is automountServiceAccountToken off?)");
        if (!File.Exists(caPath)) throw new KubeConfigException(caPath, "ca.crt", "the service-account CA file is missing");
        var nsPath = Path.Combine(dir, "namespace");
        return new ClusterConnection
        {
            ContextName = "in-cluster",
            Server = new Uri($"https://{authority}"),
            CaCertificates = LoadPemBundle(File.ReadAllText(caPath), caPath, "ca.crt"),
            Credentials = new TokenFileCredentials(tokenPath, "token", options.TokenRefreshInterval, time),
            Namespace = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : null,
        };
    }

    public ClusterConnection LoadKubeConfig(IReadOnlyList<string> paths, string? contextName)
    {
        // kubectl's merge: the first file that defines a name wins, and the first non-empty current-context wins.
        var clusters = new Dictionary<string, (string File, int Index, KubeConfigFile.ClusterEntry? Entry)>();
        var users = new Dictionary<string, (string File, int Index, KubeConfigFile.UserEntry? Entry)>();
        var contexts = new Dictionary<string, (string File, int Index, KubeConfigFile.ContextEntry? Entry)>();
        string? current = null, currentFile = null;
        int loaded = 0;
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                if (paths.Count == 1) throw new KubeConfigException(path, "(file)", "the kubeconfig file does not exist; set KUBECONFIG or Kubernetes:KubeconfigPath");
                continue; // kubectl skips missing entries of a KUBECONFIG list
            }
            KubeConfigFile? file;
            try { file = Yaml.Deserialize<KubeConfigFile>(File.ReadAllText(path)); }
            catch (YamlException e) { throw new KubeConfigException(path, $"line {e.Start.Line}", $"invalid YAML: {e.InnerException?.Message ?? e.Message}"); }
            if (file is null) continue;
            loaded++;
            if (file.Kind is { } kind && kind != "Config") throw new KubeConfigException(path, "kind", $"is '{kind}', expected 'Config'");
            for (int i = 0; i < (file.Clusters?.Count ?? 0); i++)
            {
                var c = file.Clusters![i];
                if (string.IsNullOrEmpty(c.Name)) throw new KubeConfigException(path, $"clusters[{i}].name", "is missing");
                clusters.TryAdd(c.Name, (path, i, c.Cluster));
            }
            for (int i = 0; i < (file.Users?.Count ?? 0); i++)
            {
                var u = file.Users![i];
                if (string.IsNullOrEmpty(u.Name)) throw new KubeConfigException(path, $"users[{i}].name", "is missing");
                users.TryAdd(u.Name, (path, i, u.User));
            }
            for (int i = 0; i < (file.Contexts?.Count ?? 0); i++)
            {
                var c = file.Contexts![i];
                if (string.IsNullOrEmpty(c.Name)) throw new KubeConfigException(path, $"contexts[{i}].name", "is missing");
                contexts.TryAdd(c.Name, (path, i, c.Context));
            }
            if (current is null && !string.IsNullOrEmpty(file.CurrentContext)) (current, currentFile) = (file.CurrentContext, path);
        }
        var where = string.Join(Path.PathSeparator, paths);
        if (loaded == 0) throw new KubeConfigException(where, "(file)", "none of the kubeconfig files exist");

        var name = contextName ?? current
            ?? throw new KubeConfigException(where, "current-context", "is not set and the service names no cluster context");
        if (!contexts.TryGetValue(name, out var ctx))
            throw new KubeConfigException(contextName is null ? currentFile! : where, contextName is null ? "current-context" : "contexts",
                $"context '{name}' is not defined; defined contexts: {string.Join(", ", contexts.Keys.Order())}");
        string ctxField = $"contexts[{ctx.Index}].context";
        if (ctx.Entry is null) throw new KubeConfigException(ctx.File, ctxField, $"context '{name}' has no body");
        if (string.IsNullOrEmpty(ctx.Entry.Cluster)) throw new KubeConfigException(ctx.File, ctxField + ".cluster", "is missing");
        if (!clusters.TryGetValue(ctx.Entry.Cluster, out var cl))
            throw new KubeConfigException(ctx.File, ctxField + ".cluster", $"cluster '{ctx.Entry.Cluster}' is not defined");
        string clField = $"clusters[{cl.Index}].cluster";
        var cluster = cl.Entry ?? throw new KubeConfigException(cl.File, clField, "is missing");
        if (string.IsNullOrEmpty(cluster.Server)) throw new KubeConfigException(cl.File, clField + ".server", "is missing");
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new KubeConfigException(cl.File, clField + ".server", $"'{cluster.Server}' is not an http(s) URL");

        var ca = new X509Certificate2Collection();
        if (cluster.CertificateAuthorityData is { Length: > 0 } caData)
            ca = LoadPemBundle(DecodeBase64(caData, cl.File, clField + ".certificate-authority-data"), cl.File, clField + ".certificate-authority-data");
        else if (cluster.CertificateAuthority is { Length: > 0 } caFile)
            ca = LoadPemBundle(ReadRelative(cl.File, caFile, clField + ".certificate-authority"), cl.File, clField + ".certificate-authority");

        X509Certificate2? clientCert = null;
        IKubernetesCredentials? creds = null;
        if (!string.IsNullOrEmpty(ctx.Entry.User))
        {
            if (!users.TryGetValue(ctx.Entry.User, out var us))
                throw new KubeConfigException(ctx.File, ctxField + ".user", $"user '{ctx.Entry.User}' is not defined");
            string uField = $"users[{us.Index}].user";
            var user = us.Entry ?? new KubeConfigFile.UserEntry();
            (clientCert, creds) = LoadUser(user, us.File, uField, server, cluster, ca);
        }

        return new ClusterConnection
        {
            ContextName = name,
            Server = server,
            CaCertificates = ca,
            InsecureSkipTlsVerify = cluster.InsecureSkipTlsVerify,
            TlsServerName = cluster.TlsServerName,
            ClientCertificate = clientCert,
            Credentials = creds,
            Namespace = ctx.Entry.Namespace,
        };
    }

    private (X509Certificate2?, IKubernetesCredentials?) LoadUser(KubeConfigFile.UserEntry user, string file, string field, Uri server,
        KubeConfigFile.ClusterEntry cluster, X509Certificate2Collection ca)
    {
        if (user.AuthProvider is not null)
            throw new KubeConfigException(file, field + ".auth-provider", "auth-provider plugins were removed from Kubernetes; use an exec plugin (e.g. kubelogin, gke-gcloud-auth-plugin)");

        X509Certificate2? cert = null;
        string? certPem = user.ClientCertificateData is { Length: > 0 } cd ? DecodeBase64(cd, file, field + ".client-certificate-data")
            : user.ClientCertificate is { Length: > 0 } cf ? ReadRelative(file, cf, field + ".client-certificate") : null;
        string? keyPem = user.ClientKeyData is { Length: > 0 } kd ? DecodeBase64(kd, file, field + ".client-key-data")
            : user.ClientKey is { Length: > 0 } kf ? ReadRelative(file, kf, field + ".client-key") : null;
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null) throw new KubeConfigException(file, field + ".client-certificate-data", "a client key is set but no client certificate");
            if (keyPem is null) throw new KubeConfigException(file, field + ".client-key-data", "a client certificate is set but no client key");
            try { cert = X509Certificate2.CreateFromPem(certPem, keyPem); }
            catch (CryptographicException e) { throw new KubeConfigException(file, field + ".client-certificate-data", $"the certificate and key do not load as a pair: {e.Message}"); }
        }

        IKubernetesCredentials? creds = null;
        if (user.Token is { Length: > 0 } token) creds = new StaticTokenCredentials(token);
        else if (user.TokenFile is { Length: > 0 } tf)
            creds = new TokenFileCredentials(Resolve(file, tf), field + ".tokenFile", options.TokenRefreshInterval, time);
        else if (user.Username is { Length: > 0 } un)
            creds = new BasicAuthCredentials(un, user.Password ?? "");
        else if (user.Exec is { } exec)
        {
            string ef = field + ".exec";
            if (string.IsNullOrEmpty(exec.ApiVersion)) throw new KubeConfigException(file, ef + ".apiVersion", "is missing");
            if (string.IsNullOrEmpty(exec.Command)) throw new KubeConfigException(file, ef + ".command", "is missing");
            if (exec.InteractiveMode == "Always")
                throw new KubeConfigException(file, ef + ".interactiveMode", "is 'Always' but the bot cannot answer prompts; use 'Never' or 'IfAvailable'");
            var env = new Dictionary<string, string>();
            for (int i = 0; i < (exec.Env?.Count ?? 0); i++)
            {
                var e = exec.Env![i];
                if (string.IsNullOrEmpty(e.Name)) throw new KubeConfigException(file, $"{ef}.env[{i}].name", "is missing");
                env[e.Name] = e.Value ?? "";
            }
            JsonObject? info = null;
            if (exec.ProvideClusterInfo)
            {
                info = new JsonObject { ["server"] = server.ToString(), ["insecure-skip-tls-verify"] = cluster.InsecureSkipTlsVerify };
                if (cluster.TlsServerName is { } sni) info["tls-server-name"] = sni;
                if (ca.Count > 0)
                    info["certificate-authority-data"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Concat(ca.Select(c => c.ExportCertificatePem() + "\n"))));
            }
            // A command with a path separator is relative to the kubeconfig file, as kubectl resolves it.
            var command = exec.Command.Contains('/') && !Path.IsPathRooted(exec.Command) ? Resolve(file, exec.Command) : exec.Command;
            creds = new ExecCredentials(new ExecPluginConfig(file, ef, exec.ApiVersion, command, exec.Args ?? [], env, exec.InstallHint, info), time, options.ExecTimeout);
        }
        return (cert, creds);
    }

    private static string Resolve(string kubeconfigFile, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(kubeconfigFile))!, path));

    private static string ReadRelative(string kubeconfigFile, string path, string field)
    {
        var full = Resolve(kubeconfigFile, path);
        try { return File.ReadAllText(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException(kubeconfigFile, field, $"cannot read '{full}': {e.Message}");
        }
    }

    private static string DecodeBase64(string value, string file, string field)
    {
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(value.Trim())); }
        catch (FormatException) { throw new KubeConfigException(file, field, "is not valid base64"); }
    }

    private static X509Certificate2Collection LoadPemBundle(string pem, string file, string field)
    {
        var bundle = new X509Certificate2Collection();
        try { bundle.ImportFromPem(pem); }
        catch (CryptographicException e) { throw new KubeConfigException(file, field, $"is not a PEM certificate bundle: {e.Message}"); }
        if (bundle.Count == 0) throw new KubeConfigException(file, field, "holds no PEM certificate");
        return bundle;
    }
}
