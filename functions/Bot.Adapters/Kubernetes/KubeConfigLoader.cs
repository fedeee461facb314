using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Kubernetes;

/// <summary>Resolves a <see cref="ClusterConnection"/> from kubeconfig files (several merged, like kubectl) or from the pod's
/// service account. The SDK parses the files (<see cref="KubernetesClientConfiguration.LoadKubeConfig(FileInfo, bool)"/>) and builds
/// the configuration (<see cref="KubernetesClientConfiguration.BuildConfigFromConfigObject"/>); this class merges, checks every
/// field the bot relies on first, so an error names the file, the field and the fix, and fills the SDK's gaps (<c>tokenFile</c>,
/// exec plugins' <c>KUBERNETES_EXEC_INFO</c> and paths relative to the file that names them).</summary>
public sealed class KubeConfigLoader(KubernetesOptions options, TimeProvider time, Func<string, string?>? environment = null)
{
    private readonly Func<string, string?> _env = environment ?? Environment.GetEnvironmentVariable;

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

    /// <summary>The pod's service account, as the SDK's <c>InClusterConfig()</c> reads it, but from
    /// <see cref="KubernetesOptions.ServiceAccountPath"/> and with a token that is re-read as it rotates (the SDK's folder is fixed).</summary>
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
        var tokens = new TokenFileTokenProvider(tokenPath, "token", options.TokenRefreshInterval, time);
        var config = new KubernetesClientConfiguration
        {
            Host = $"https://{authority}",
            SslCaCerts = LoadPemBundle(File.ReadAllText(caPath), caPath, "ca.crt"),
            TokenProvider = tokens,
            Namespace = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : null,
        };
        return new ClusterConnection("in-cluster", config, tokens);
    }

    private sealed record Named<T>(string File, int Index, T Entry);

    public ClusterConnection LoadKubeConfig(IReadOnlyList<string> paths, string? contextName)
    {
        // kubectl's merge: the first file that defines a name wins, and the first non-empty current-context wins.
        var clusters = new Dictionary<string, Named<Cluster>>();
        var users = new Dictionary<string, Named<User>>();
        var contexts = new Dictionary<string, Named<Context>>();
        string? current = null, currentFile = null;
        int loaded = 0;
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                if (paths.Count == 1) throw new KubeConfigException(path, "(file)", "the kubeconfig file does not exist; set KUBECONFIG or Kubernetes:KubeconfigPath");
                continue; // kubectl skips missing entries of a KUBECONFIG list
            }
            K8SConfiguration file;
            try { file = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: true); }
            catch (YamlException e) { throw new KubeConfigException(path, $"line {e.Start.Line}", $"invalid YAML: {e.InnerException?.Message ?? e.Message}"); }
            loaded++;
            if (file.Kind is { Length: > 0 } kind && kind != "Config") throw new KubeConfigException(path, "kind", $"is '{kind}', expected 'Config'");
            Add(file.Clusters, "clusters", c => c.Name, clusters, path);
            Add(file.Users, "users", u => u.Name, users, path);
            Add(file.Contexts, "contexts", c => c.Name, contexts, path);
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
        var details = ctx.Entry.ContextDetails ?? throw new KubeConfigException(ctx.File, ctxField, $"context '{name}' has no body");
        if (string.IsNullOrEmpty(details.Cluster)) throw new KubeConfigException(ctx.File, ctxField + ".cluster", "is missing");
        if (!clusters.TryGetValue(details.Cluster, out var cl))
            throw new KubeConfigException(ctx.File, ctxField + ".cluster", $"cluster '{details.Cluster}' is not defined");
        string clField = $"clusters[{cl.Index}].cluster";
        var cluster = cl.Entry.ClusterEndpoint ?? throw new KubeConfigException(cl.File, clField, "is missing");
        if (string.IsNullOrEmpty(cluster.Server)) throw new KubeConfigException(cl.File, clField + ".server", "is missing");
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
            throw new KubeConfigException(cl.File, clField + ".server", $"'{cluster.Server}' is not an http(s) URL");
        var ca = new X509Certificate2Collection();
        if (cluster.CertificateAuthorityData is { Length: > 0 } caData)
            ca = LoadPemBundle(DecodeBase64(caData, cl.File, clField + ".certificate-authority-data"), cl.File, clField + ".certificate-authority-data");
        else if (cluster.CertificateAuthority is { Length: > 0 } caFile)
        {
            cluster.CertificateAuthority = Resolve(cl.File, caFile);
            ca = LoadPemBundle(ReadRelative(cl.File, caFile, clField + ".certificate-authority"), cl.File, clField + ".certificate-authority");
        }

        User? sdkUser = null;
        IRefreshableTokenProvider? tokens = null;
        if (!string.IsNullOrEmpty(details.User))
        {
            if (!users.TryGetValue(details.User, out var us))
                throw new KubeConfigException(ctx.File, ctxField + ".user", $"user '{details.User}' is not defined");
            (sdkUser, tokens) = PrepareUser(us, server, cluster, ca);
        }

        // One context, its cluster and the part of its user the SDK handles; what it lacks is set on the configuration below.
        var single = new K8SConfiguration
        {
            CurrentContext = name,
            Clusters = [cl.Entry],
            Users = sdkUser is null ? [] : [sdkUser],
            Contexts = [new Context { Name = name, ContextDetails = new ContextDetails { Cluster = details.Cluster, User = sdkUser?.Name, Namespace = details.Namespace } }],
        };
        KubernetesClientConfiguration config;
        try { config = KubernetesClientConfiguration.BuildConfigFromConfigObject(single, name); }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or CryptographicException or FormatException)
        {
            throw new KubeConfigException(ctx.File, ctxField, $"the Kubernetes client refused context '{name}': {e.Message}");
        }
        if (tokens is not null) config.TokenProvider = tokens;
        (tokens as ExecPluginTokenProvider)?.Prime();
        return new ClusterConnection(name, config, tokens);
    }

    private static void Add<T>(IEnumerable<T>? entries, string list, Func<T, string?> nameOf, Dictionary<string, Named<T>> into, string path)
    {
        int i = 0;
        foreach (var entry in entries ?? [])
        {
            if (nameOf(entry) is not { Length: > 0 } n) throw new KubeConfigException(path, $"{list}[{i}].name", "is missing");
            into.TryAdd(n, new Named<T>(path, i, entry));
            i++;
        }
    }

    /// <summary>Checks the user's credentials and splits them: what the SDK maps itself (token, basic auth, client certificates),
    /// and a refreshable token source for <c>tokenFile</c> (not in the SDK's model) and exec plugins.</summary>
    private (User? ForSdk, IRefreshableTokenProvider? Tokens) PrepareUser(Named<User> us, Uri server, ClusterEndpoint cluster, X509Certificate2Collection ca)
    {
        string file = us.File, field = $"users[{us.Index}].user";
        var user = us.Entry.UserCredentials ?? new UserCredentials();
        if (user.AuthProvider is not null)
            throw new KubeConfigException(file, field + ".auth-provider", "auth-provider plugins were removed from Kubernetes; use an exec plugin (e.g. kubelogin, gke-gcloud-auth-plugin)");

        string? certPem = user.ClientCertificateData is { Length: > 0 } cd ? DecodeBase64(cd, file, field + ".client-certificate-data")
            : user.ClientCertificate is { Length: > 0 } cf ? ReadRelative(file, cf, field + ".client-certificate") : null;
        string? keyPem = user.ClientKeyData is { Length: > 0 } kd ? DecodeBase64(kd, file, field + ".client-key-data")
            : user.ClientKey is { Length: > 0 } kf ? ReadRelative(file, kf, field + ".client-key") : null;
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null) throw new KubeConfigException(file, field + ".client-certificate-data", "a client key is set but no client certificate");
            if (keyPem is null) throw new KubeConfigException(file, field + ".client-key-data", "a client certificate is set but no client key");
            try { using var _ = X509Certificate2.CreateFromPem(certPem, keyPem); }
            catch (CryptographicException e) { throw new KubeConfigException(file, field + ".client-certificate-data", $"the certificate and key do not load as a pair: {e.Message}"); }
            if (user.ClientCertificate is { Length: > 0 }) user.ClientCertificate = Resolve(file, user.ClientCertificate);
            if (user.ClientKey is { Length: > 0 }) user.ClientKey = Resolve(file, user.ClientKey);
        }

        IRefreshableTokenProvider? tokens = null;
        if (user.Token is { Length: > 0 }) { }
        else if (UserField(file, us.Index, "tokenFile") is { Length: > 0 } tf)
            tokens = new TokenFileTokenProvider(Resolve(file, tf), field + ".tokenFile", options.TokenRefreshInterval, time);
        else if (user.ExternalExecution is { } exec && string.IsNullOrEmpty(user.UserName))
        {
            if (UserField(file, us.Index, "exec", "interactiveMode") == "Always")
                throw new KubeConfigException(file, field + ".exec.interactiveMode", "is 'Always' but the bot cannot answer prompts; use 'Never' or 'IfAvailable'");
            tokens = PrepareExec(exec, file, field + ".exec", server, cluster, ca);
        }

        bool sdkHandles = user.Token is { Length: > 0 } || user.UserName is { Length: > 0 } || certPem is not null;
        user.ExternalExecution = null; // run by ExecPluginTokenProvider, once, not again by the SDK
        return (sdkHandles ? us.Entry : null, tokens);
    }

    private ExecPluginTokenProvider PrepareExec(ExternalExecution exec, string file, string field, Uri server, ClusterEndpoint cluster, X509Certificate2Collection ca)
    {
        if (string.IsNullOrEmpty(exec.ApiVersion)) throw new KubeConfigException(file, field + ".apiVersion", "is missing");
        if (string.IsNullOrEmpty(exec.Command)) throw new KubeConfigException(file, field + ".command", "is missing");
        var env = new List<Dictionary<string, string>>();
        int i = 0;
        foreach (var e in exec.EnvironmentVariables ?? [])
        {
            if (!e.TryGetValue("name", out var n) || string.IsNullOrEmpty(n)) throw new KubeConfigException(file, $"{field}.env[{i}].name", "is missing");
            env.Add(new() { ["name"] = n, ["value"] = e.GetValueOrDefault("value") ?? "" });
            i++;
        }
        // The SDK sends kind "ExecCredentials" and the process's interactivity; plugins expect what kubectl sends. Its own
        // variable is set first, so this one (applied with the kubeconfig's env) wins.
        var spec = new JsonObject { ["interactive"] = false };
        if (exec.ProvideClusterInfo)
        {
            var info = new JsonObject { ["server"] = server.ToString(), ["insecure-skip-tls-verify"] = cluster.SkipTlsVerify };
            if (cluster.TlsServerName is { } sni) info["tls-server-name"] = sni;
            if (ca.Count > 0)
                info["certificate-authority-data"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Concat(ca.Select(c => c.ExportCertificatePem() + "\n"))));
            spec["cluster"] = info;
        }
        env.Add(new()
        {
            ["name"] = "KUBERNETES_EXEC_INFO",
            ["value"] = new JsonObject { ["apiVersion"] = exec.ApiVersion, ["kind"] = "ExecCredential", ["spec"] = spec }.ToJsonString(),
        });
        var run = new ExternalExecution
        {
            ApiVersion = exec.ApiVersion,
            // A command with a path separator is relative to the kubeconfig file, as kubectl resolves it.
            Command = exec.Command.Contains('/') && !Path.IsPathRooted(exec.Command) ? Resolve(file, exec.Command) : exec.Command,
            Arguments = exec.Arguments,
            EnvironmentVariables = env,
            InstallHint = exec.InstallHint,
            ProvideClusterInfo = exec.ProvideClusterInfo,
        };
        return new ExecPluginTokenProvider(run, file, field, time);
    }

    /// <summary>A scalar under <c>users[i].user</c> that the SDK's kubeconfig model does not have (<c>tokenFile</c>,
    /// <c>exec.interactiveMode</c>), or null.</summary>
    private static string? UserField(string file, int userIndex, params string[] keys)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(file)) yaml.Load(reader);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue("users", out var list) || list is not YamlSequenceNode seq || userIndex >= seq.Children.Count
            || seq.Children[userIndex] is not YamlMappingNode named || !named.Children.TryGetValue("user", out var node)) return null;
        foreach (var key in keys)
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out node)) return null;
        return (node as YamlScalarNode)?.Value;
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
