using Bot.Adapters.Kubernetes;
using Bot.TestKit;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

/// <summary>kubeconfig, in-cluster and exec-plugin paths, each proven against the double over HTTPS.</summary>
public sealed class KubernetesClientAuthTests : IAsyncLifetime
{
    private KubernetesApiDouble _api = null!;
    private string _dir = null!;
    private readonly FakeTimeProvider _time = new();
    private static readonly KubernetesOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 1 };

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiDouble.StartAsync();
        _api.CreateFromYaml(KubernetesTestCluster.InfraPath("sample", "checkout.yaml"));
        _dir = Directory.CreateTempSubdirectory("kubeconfig-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private KubernetesClientFactory Factory(string kubeconfig, Func<string, string?>? env = null, KubernetesOptions? o = null) =>
        new((o ?? Fast) with { KubeconfigPath = kubeconfig }, _time, null, env ?? (_ => null));

    private async Task<string?> GetAsUser(KubernetesClientFactory f, string? context = null)
    {
        await f.GetClient(context).GetVirtualServiceAsync("shop", "checkout", default);
        return _api.Requests.Last().User;
    }

    // Exec plugins here are shell scripts; the suite runs on Linux (CI and dev containers).
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task GetClient_ClientCertificateData_AuthenticatesAsCertificateSubject()
    {
        var (cert, key) = _api.Ca.IssueClient("jane", "release-managers");
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            $"    client-certificate-data: {KubeconfigWriter.B64(cert)}\n    client-key-data: {KubeconfigWriter.B64(key)}"));
        using var f = Factory(path);
        Assert.Equal("jane", await GetAsUser(f));
    }

    [Fact]
    public async Task GetClient_ClientCertificateFiles_ResolvedRelativeToKubeconfig()
    {
        var (cert, key) = _api.Ca.IssueClient("ops-bot");
        Directory.CreateDirectory(Path.Combine(_dir, "certs"));
        File.WriteAllText(Path.Combine(_dir, "certs", "bot.crt"), cert);
        File.WriteAllText(Path.Combine(_dir, "certs", "bot.key"), key);
        File.WriteAllText(Path.Combine(_dir, "certs", "ca.crt"), _api.Ca.CertificatePem);
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            "    client-certificate: certs/bot.crt\n    client-key: certs/bot.key", embedCa: false, clusterExtra: "    certificate-authority: certs/ca.crt"));
        using var f = Factory(path);
        Assert.Equal("ops-bot", await GetAsUser(f));
    }

    [Fact]
    public async Task GetClient_TokenFile_ReReadAfterRefreshInterval()
    {
        var tokenFile = Path.Combine(_dir, "token");
        File.WriteAllText(tokenFile, _api.IssueToken("first") + "\n");
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev", $"    tokenFile: {tokenFile}"));
        using var f = Factory(path);
        Assert.Equal("first", await GetAsUser(f));

        File.WriteAllText(tokenFile, _api.IssueToken("rotated"));
        Assert.Equal("first", await GetAsUser(f)); // cached within the minute
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("rotated", await GetAsUser(f));
    }

    [Fact]
    public async Task GetClient_TokenRevokedBeforeRefresh_401ReReadsOnce()
    {
        var tokenFile = Path.Combine(_dir, "token");
        var first = _api.IssueToken("first");
        File.WriteAllText(tokenFile, first);
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev", $"    tokenFile: {tokenFile}"));
        using var f = Factory(path);
        await GetAsUser(f);
        File.WriteAllText(tokenFile, _api.IssueToken("rotated"));
        _api.RevokeToken(first);
        Assert.Equal("rotated", await GetAsUser(f));
    }

    [Theory]
    [InlineData("client.authentication.k8s.io/v1")]
    [InlineData("client.authentication.k8s.io/v1beta1")]
    public async Task GetClient_ExecPlugin_CachedUntilExpirationTimestamp(string apiVersion)
    {
        var token = _api.IssueToken("exec-user");
        var expires = _time.GetUtcNow().AddMinutes(10).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var script = Path.Combine(_dir, "get-token.sh");
        File.WriteAllText(script, $$$"""
            #!/bin/sh
            echo run >> "{{{_dir}}}/runs"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "{{{_dir}}}/exec-info"
            echo '{"apiVersion":"{{{apiVersion}}}","kind":"ExecCredential","status":{"token":"{{{token}}}","expirationTimestamp":"{{{expires}}}"}}'
            """.Replace("\r", ""));
        MakeExecutable(script);
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            $"      exec:\n        apiVersion: {apiVersion}\n        command: ./get-token.sh\n        interactiveMode: Never\n        provideClusterInfo: true"
                .Replace("      exec:", "    exec:").Replace("\n        ", "\n      ")));
        using var f = Factory(path);

        Assert.Equal("exec-user", await GetAsUser(f));
        Assert.Equal("exec-user", await GetAsUser(f));
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, "runs")));
        var info = File.ReadAllText(Path.Combine(_dir, "exec-info"));
        Assert.Contains($"\"apiVersion\":\"{apiVersion}\"", info);
        Assert.Contains("\"kind\":\"ExecCredential\"", info);
        Assert.Contains("\"interactive\":false", info);
        Assert.Contains(_api.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), info); // provideClusterInfo

        _time.Advance(TimeSpan.FromMinutes(11));
        await GetAsUser(f);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_dir, "runs")).Length);
    }

    [Fact]
    public async Task GetClient_ExecPluginAnswersOtherApiVersion_ErrorNamesFileAndField()
    {
        var script = Path.Combine(_dir, "bad.sh");
        File.WriteAllText(script, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"x\"}}'\n");
        MakeExecutable(script);
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {script}"));
        using var f = Factory(path);
        var ex = await Assert.ThrowsAsync<KubeConfigException>(() => f.GetClient(null).GetVirtualServiceAsync("shop", "checkout", default));
        Assert.Equal(path, ex.File);
        Assert.Equal("users[0].user.exec.apiVersion", ex.Field);
        Assert.Contains("must be equal", ex.Message);
    }

    [Fact]
    public void GetClient_ExecPluginUnsupportedApiVersion_ErrorNamesField()
    {
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: aws"));
        using var f = Factory(path);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient(null));
        Assert.Equal("users[0].user.exec.apiVersion", ex.Field);
    }

    [Fact]
    public async Task GetClient_ExecPluginGivesClientCertificate_AuthenticatesAsCertificateSubject()
    {
        var (cert, key) = _api.Ca.IssueClient("exec-cert-user", "release-managers");
        var answer = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "client.authentication.k8s.io/v1",
            ["kind"] = "ExecCredential",
            ["status"] = new System.Text.Json.Nodes.JsonObject { ["clientCertificateData"] = cert, ["clientKeyData"] = key },
        };
        File.WriteAllText(Path.Combine(_dir, "credential.json"), answer.ToJsonString());
        var script = Path.Combine(_dir, "get-cert.sh");
        File.WriteAllText(script, $"#!/bin/sh\ncat \"{_dir}/credential.json\"\n");
        MakeExecutable(script);
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {script}"));
        using var f = Factory(path);
        Assert.Equal("exec-cert-user", await GetAsUser(f));
    }

    [Fact]
    public void GetClient_ExecPluginInteractiveAlways_ErrorNamesFieldAndFix()
    {
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev",
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      interactiveMode: Always"));
        using var f = Factory(path);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient(null));
        Assert.Equal("users[0].user.exec.interactiveMode", ex.Field);
        Assert.Contains("use 'Never' or 'IfAvailable'", ex.Message);
    }

    [Fact]
    public async Task GetClient_SeveralKubeconfigFiles_MergedAndNamedContextChosen()
    {
        var admin = _api.IssueToken("admin");
        var bot = _api.IssueToken("bot");
        var first = KubeconfigWriter.Write(_dir, "a", KubeconfigWriter.Yaml(_api, "prod", $"    token: {admin}"));
        var second = KubeconfigWriter.Write(_dir, "b", KubeconfigWriter.Yaml(_api, "staging", $"    token: {bot}"));
        // Same name in both files: the first file's entry wins, as with kubectl.
        var shadow = KubeconfigWriter.Write(_dir, "c", KubeconfigWriter.Yaml(_api, "prod", "    token: not-used"));
        using var f = new KubernetesClientFactory(Fast, _time, null, name => name == "KUBECONFIG" ? string.Join(':', first, second, shadow) : null);

        Assert.Equal("admin", await GetAsUser(f));           // current-context from the first file
        Assert.Equal("bot", await GetAsUser(f, "staging"));  // a service names its cluster context
        Assert.Equal("admin", await GetAsUser(f, "prod"));
    }

    [Fact]
    public void GetClient_UnknownContext_ListsDefinedContexts()
    {
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev", "    token: x"));
        using var f = Factory(path);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient("prod-eu"));
        Assert.Contains("context 'prod-eu' is not defined; defined contexts: dev", ex.Message);
    }

    [Fact]
    public void GetClient_ClusterWithoutServer_ErrorNamesFileAndField()
    {
        var yaml = KubeconfigWriter.Yaml(_api, "dev", "    token: x").Replace($"server: {_api.BaseAddress.ToString().TrimEnd('/')}", "tls-server-name: api");
        var path = KubeconfigWriter.Write(_dir, "config", yaml);
        using var f = Factory(path);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient(null));
        Assert.Equal(path, ex.File);
        Assert.Equal("clusters[0].cluster.server", ex.Field);
        Assert.StartsWith(path + ": clusters[0].cluster.server: is missing", ex.Message);
    }

    [Fact]
    public void GetClient_BadCertificateAuthorityData_ErrorNamesField()
    {
        var yaml = KubeconfigWriter.Yaml(_api, "dev", "    token: x").Replace(KubeconfigWriter.B64(_api.Ca.CertificatePem), KubeconfigWriter.B64("not a certificate"));
        var path = KubeconfigWriter.Write(_dir, "config", yaml);
        using var f = Factory(path);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient(null));
        Assert.Equal("clusters[0].cluster.certificate-authority-data", ex.Field);
    }

    [Fact]
    public async Task GetClient_ServerSignedByAnotherCa_RefusesTls()
    {
        using var other = new TestCertificateAuthority("someone else");
        var yaml = KubeconfigWriter.Yaml(_api, "dev", $"    token: {_api.IssueToken("x")}").Replace(KubeconfigWriter.B64(_api.Ca.CertificatePem), KubeconfigWriter.B64(other.CertificatePem));
        using var f = Factory(KubeconfigWriter.Write(_dir, "config", yaml));
        await Assert.ThrowsAsync<HttpRequestException>(() => f.GetClient(null).GetVirtualServiceAsync("shop", "checkout", default));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task GetClient_InsecureSkipTlsVerify_ConnectsWithoutCa()
    {
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev", $"    token: {_api.IssueToken("x")}",
            embedCa: false, clusterExtra: "    insecure-skip-tls-verify: true"));
        using var f = Factory(path);
        Assert.Equal("x", await GetAsUser(f));
    }

    [Fact]
    public async Task GetClient_UnknownToken_401NamesContext()
    {
        var path = KubeconfigWriter.Write(_dir, "config", KubeconfigWriter.Yaml(_api, "dev", "    token: forged"));
        using var f = Factory(path);
        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => f.GetClient(null).GetVirtualServiceAsync("shop", "checkout", default));
        Assert.Equal(401, ex.Code);
        Assert.Contains("context dev", ex.Message);
    }

    [Fact]
    public async Task GetClient_InCluster_UsesServiceAccountFiles()
    {
        var sa = Directory.CreateDirectory(Path.Combine(_dir, "sa")).FullName;
        File.WriteAllText(Path.Combine(sa, "token"), _api.IssueToken(KubernetesTestCluster.BotUser));
        File.WriteAllText(Path.Combine(sa, "ca.crt"), _api.Ca.CertificatePem);
        File.WriteAllText(Path.Combine(sa, "namespace"), "shop\n");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = _api.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var f = new KubernetesClientFactory(Fast with { ServiceAccountPath = sa }, _time, null, n => env.GetValueOrDefault(n));

        var client = f.GetClient(null);
        Assert.Equal("in-cluster", client.Context);
        Assert.Equal("shop", client.DefaultNamespace);
        Assert.Equal(KubernetesTestCluster.BotUser, await GetAsUser(f));
    }

    [Fact]
    public void GetClient_InClusterWithoutToken_ErrorNamesFile()
    {
        var sa = Directory.CreateDirectory(Path.Combine(_dir, "empty-sa")).FullName;
        using var f = new KubernetesClientFactory(Fast with { ServiceAccountPath = sa, InCluster = true }, _time, null, _ => null);
        var ex = Assert.Throws<KubeConfigException>(() => f.GetClient(null));
        Assert.Equal(Path.Combine(sa, "token"), ex.File);
    }
}
