using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Benchmarks;

/// <summary>
/// From an approve request to the VirtualService PATCH that moves traffic, through the whole app (Program, the repository's
/// host.json and the build's functions.metadata, standalone queue triggers) on a real Azurite, with the Kubernetes API double (HTTPS, the
/// bot's RBAC) and the Slack and GitHub contract doubles. Three surfaces: the command API, a Slack slash command and a PR
/// comment. Beside them, in the same run, the floor: one state read and one conditional write on Azurite plus one GET+PATCH
/// of the VirtualService. Targets (issue 9): API p50 ≤ 50 ms and ≤ 1.5× the floor; Slack and PR comment ≤ 1.5× the API.
/// </summary>
public sealed class ApproveToTrafficBenchmark : IBenchmark
{
    private const int Warmup = 3;
    private const int Iterations = 60;
    private const int FloorSamples = 2;
    private const string DeployerKey = "bench-deployer-key-0123456789";
    private const string ApproverKey = "bench-approver-key-0123456789";
    private const string SlackSecret = "bench-slack-signing-secret";
    private const string Channel = "C0CHECKOUT1";
    private static readonly RepoRef Repo = new("Codertocat", "Hello-World");

    public string Name => "approve-to-traffic";
    public string Description => "approve request (API, Slack command, PR comment) to the PATCH seen by Kubernetes, vs the storage+GET/PATCH floor";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        await using var k8s = await KubernetesTestCluster.StartAsync();
        var root = AppRoot.Create();
        try
        {
            using var key = RSA.Create(2048);
            var github = new GitHubDouble(TimeProvider.System) { AppKey = key, AppIssuer = GitHubTestApp.ClientId };
            github.AddInstallation(99, Repo);
            github.Permissions[(Repo, "mona")] = "write";
            var slack = new SlackDouble().WithChannel(Channel).WithUser("U0BOB0001", "bob");

            await using var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
            {
                foreach (var (k, v) in root.Settings(azurite.ConnectionString, k8s.Options.KubeconfigPath!, key.ExportPkcs8PrivateKeyPem())) b.UseSetting(k, v);
                b.UseContentRoot(root.Root);
                b.UseEnvironment("Development");
                b.ConfigureLogging(l => l.ClearProviders());
                b.ConfigureTestServices(s =>
                {
                    s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
                    s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
                    s.AddHttpClient(GitHubConnection.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => github);
                    // The app's storage clients, on a transport that sees their requests (for the quiet wait below).
                    var watched = new Azure.Core.Pipeline.HttpClientTransport(new HttpClient(new StorageActivity { InnerHandler = new SocketsHttpHandler() }));
                    s.AddSingleton<IQueueService>(new AzureQueueService(StorageClients.CreateQueueServiceClient(azurite.ConnectionString, transport: watched)));
                    s.AddSingleton<ITableService>(new AzureTableService(StorageClients.CreateTableServiceClient(azurite.ConnectionString, transport: watched)));
                });
            });
            using var http = factory.CreateClient();
            using var deployer = Authorized(factory, DeployerKey);
            using var approver = Authorized(factory, ApproverKey);

            var surfaces = new (string Label, Func<string, HttpRequestMessage> Approve)[]
            {
                ("command API", id => new HttpRequestMessage(HttpMethod.Post, $"/api/rollouts/{id}/approve") { Content = JsonContent.Create(new { }) }),
                ("Slack command", _ => SlackCommand("approve checkout", "U0BOB0001")),
                ("PR comment", _ => PrComment("/release approve", "mona")),
            };
            var results = surfaces.ToDictionary(s => s.Label, _ => new List<double>());
            var floor = new List<double>();
            var states = new TableRolloutStore(azurite.CreateTableService());
            var vs = (global::k8s.Kubernetes)k8s.Clients.GetClient(null).Api;
            var version = 0;
            // Surfaces and floor samples take turns, so load that comes and goes on a shared machine weighs on all alike.
            for (var i = 0; i < Warmup + Iterations; i++)
            {
                foreach (var (label, approve) in surfaces)
                {
                    var id = await StartAndWaitForApprovalAsync(deployer, approver, $"1.5.{++version}", ct);
                    // A person answers seconds after the approval is asked for: the start's own tail (notices, audit, archive,
                    // outbox deliveries) is done by then, so the approve is measured alone rather than queued behind it.
                    await WaitAtRestAsync(states, ct);
                    await StorageActivity.QuietAsync(TimeSpan.FromMilliseconds(150), ct);
                    for (var n = 0; n < FloorSamples; n++)
                    {
                        var sample = await FloorOnceAsync(states, vs, k8s.BotToken, ct);
                        if (i >= Warmup) floor.Add(sample);
                    }

                    var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    k8s.Api.BeforeNextWrite(_ => seen.TrySetResult(Stopwatch.GetTimestamp()));
                    using var request = approve(id);
                    var client = label == "command API" ? approver : http;
                    var t0 = Stopwatch.GetTimestamp();
                    using var response = await client.SendAsync(request, ct);
                    if (!response.IsSuccessStatusCode)
                        throw new InvalidOperationException($"{label} approve of {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                    var at = await seen.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
                    if (i >= Warmup) results[label].Add(Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds);
                    await WaitForAsync(approver, id, r => (int?)r["canaryWeight"] == 50 || (string?)r["phase"] == "paused", ct);
                    using var rollback = await approver.PostAsJsonAsync($"/api/rollouts/{id}/rollback", new { reason = "benchmark reset" }, ct);
                    await WaitForAsync(approver, id, r => (string?)r["phase"] is "rolledBack", ct);
                }
            }
            floor.Sort();
            foreach (var l in results.Values) l.Sort();

            report.WriteLine($"iterations: {Iterations} per surface (after {Warmup} warm-up), {FloorSamples} floor samples before each approve, surfaces in turn; "
                + "Azurite, Kubernetes API double over HTTPS, host.json as in the repository");
            report.WriteLine($"{"path",-40} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
            report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"floor (state read+write, GET+PATCH)",-40} {P(floor, 0.50),8:F1} {P(floor, 0.99),8:F1} {floor[^1],8:F1}"));
            foreach (var (label, l) in results)
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label + " approve -> PATCH",-40} {P(l, 0.50),8:F1} {P(l, 0.99),8:F1} {l[^1],8:F1}"));
            var api = P(results["command API"], 0.50);
            var f = P(floor, 0.50);
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"API p50 {api:F1} ms (target <= 50: {Met(api <= 50)}); API/floor {api / f:F2} (target <= 1.5: {Met(api / f <= 1.5)})"));
            foreach (var label in new[] { "Slack command", "PR comment" })
            {
                var p = P(results[label], 0.50);
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}/API p50 {p / api:F2} (target <= 1.5: {Met(p / api <= 1.5)})"));
            }
        }
        finally
        {
            root.Dispose();
        }
    }

    private static string Met(bool met) => met ? "met" : "NOT met";

    private static HttpClient Authorized(WebApplicationFactory<global::Program> factory, string key)
    {
        var c = factory.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    private static async Task<string> StartAndWaitForApprovalAsync(HttpClient deployer, HttpClient reader, string version, CancellationToken ct)
    {
        using var started = await deployer.PostAsJsonAsync("/api/rollouts", new { service = "checkout", version }, ct);
        var body = JsonNode.Parse(await started.Content.ReadAsStringAsync(ct));
        if (started.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"start {version}: {(int)started.StatusCode} {body?.ToJsonString()}");
        var id = (string?)body?["id"] ?? (string?)body?["rollout"]?["id"] ?? throw new InvalidOperationException($"start {version}: no id in {body?.ToJsonString()}");
        await WaitForAsync(reader, id, r => (string?)r["phase"] == "waitingApproval", ct);
        return id;
    }

    private static async Task WaitForAsync(HttpClient client, string id, Func<JsonNode, bool> until, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 90;
        JsonNode? last = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var r = await client.GetAsync($"/api/rollouts/{id}", ct);
            if (r.IsSuccessStatusCode && JsonNode.Parse(await r.Content.ReadAsStringAsync(ct)) is { } node)
            {
                last = node;
                if (until(node)) return;
            }
            await Task.Delay(10, ct);
        }
        throw new TimeoutException($"{id} never reached the expected state; last: {last?.ToJsonString()}");
    }

    /// <summary>What any approve must at least do: read a state row and write it back with If-Match on Azurite, then one GET
    /// and one guarded PATCH of the VirtualService. The row is a copy of the service's real one as the app left it (same
    /// table, same size) under another key, so the floor is no other writer the app must re-read for. It runs while the
    /// rollout waits at canary 10 and writes canary 10, so the app sees no drift.</summary>
    private static async Task<double> FloorOnceAsync(TableRolloutStore states, global::k8s.Kubernetes vs, string token, CancellationToken ct)
    {
        var real = await states.GetAsync("checkout", ct) ?? throw new InvalidOperationException("the checkout state row is missing");
        var copy = real.Value with { Service = "floor-checkout" };
        var existing = await states.GetAsync(copy.Service, ct);
        await states.SaveAsync(copy, existing?.ETag, ct);
        var t0 = Stopwatch.GetTimestamp();
        var row = await states.GetAsync(copy.Service, ct) ?? throw new InvalidOperationException("the floor row is missing");
        await states.SaveAsync(row.Value, row.ETag, ct);
        await IstioBenchmark.BareAsync(vs, token, 10, ct);
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    /// <summary>Until the service's state row has nothing pending: the run that wrote it is done.</summary>
    private static async Task WaitAtRestAsync(TableRolloutStore states, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (await states.GetAsync("checkout", ct) is { Value.Pending.Count: > 0 })
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("checkout kept effects pending for 30 s");
            await Task.Delay(5, ct);
        }
    }

    /// <summary>Sees the app's storage requests: <see cref="QuietAsync"/> waits until the app has made none but queue polls
    /// for a while (the start's outbox deliveries and ledger writes are done), at most 10 s.</summary>
    private sealed class StorageActivity : DelegatingHandler
    {
        private static long _last;

        public static async Task QuietAsync(TimeSpan quiet, CancellationToken ct)
        {
            if (Interlocked.Read(ref _last) == 0) throw new InvalidOperationException("the app's storage requests are not observed; the benchmark's transport hook is not in use");
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _last)) < quiet && Stopwatch.GetTimestamp() < deadline)
                await Task.Delay(10, ct);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var poll = request.Method == HttpMethod.Get && request.RequestUri!.Query.Contains("numofmessages", StringComparison.Ordinal);
            if (!poll) Interlocked.Exchange(ref _last, Stopwatch.GetTimestamp());
            return base.SendAsync(request, ct);
        }
    }

    private static HttpRequestMessage SlackCommand(string text, string user)
    {
        var n = Interlocked.Increment(ref _n);
        var body = $"token=legacy&team_id=T0000TEAM&team_domain=shop&channel_id={Channel}&channel_name=releases&user_id={user}&user_name=bob" +
                   $"&command=%2Frelease&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString($"https://hooks.slack.com/commands/T0000TEAM/{user}/{n}")}" +
                   $"&trigger_id=1.2.{n}&api_app_id=A0RELEASE1";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/slack/commands") { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        req.Headers.Add(SlackSignature.TimestampHeader, ts);
        req.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.ComputeString(SlackSecret, ts, Encoding.UTF8.GetBytes(body)));
        return req;
    }

    private static int _n;

    /// <summary>GitHub's issue_comment example moved onto pull request #1 of the bench repository.</summary>
    private static HttpRequestMessage PrComment(string text, string login)
    {
        var c = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhooks", "issue_comment.created.0.json")))!.AsObject();
        c["issue"]!["pull_request"] = new JsonObject { ["url"] = $"https://api.github.com/repos/{Repo.FullName}/pulls/1" };
        c["comment"]!["body"] = text;
        c["comment"]!["id"] = 7770000 + Interlocked.Increment(ref _n);
        c["comment"]!["user"]!["login"] = login;
        c["sender"]!["login"] = login;
        var bytes = Encoding.UTF8.GetBytes(c.ToJsonString());
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/github") { Content = new ByteArrayContent(bytes) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.Add("X-GitHub-Event", "issue_comment");
        req.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        req.Headers.Add("X-Hub-Signature-256", WebhookSignature.Compute(GitHubTestApp.WebhookSecret, bytes));
        req.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        return req;
    }

    private static double P(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>A throw-away app root: the repository's host.json (unchanged) and the build's functions.metadata on this run's own queues,
    /// and one release config for the sample service of infra/kubernetes/sample.</summary>
    private sealed class AppRoot : IDisposable
    {
        private AppRoot(string root) => Root = root;

        public string Root { get; }
        public string ConfigDir => Path.Combine(Root, "config");

        public static AppRoot Create()
        {
            var root = new AppRoot(Directory.CreateTempSubdirectory("releasebot-bench-").FullName);
            File.Copy(Path.Combine(RepoPaths.Root, "host.json"), Path.Combine(root.Root, "host.json"));
            // The build's functions.metadata, every queue trigger on a queue of this run's own.
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", "Release", "net10.0", "functions.metadata"));
            foreach (var name in new[] { "rollout-steps", "slack-work", "github-work", "notifications" })
                text = text.Replace($"\"{name}\"", $"\"{AzuriteFixture.NewName(name.Split('-')[0])}\"", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(root.Root, "functions.metadata"), text);
            Directory.CreateDirectory(root.ConfigDir);
            File.WriteAllText(Path.Combine(root.ConfigDir, "checkout.yaml"), """
                service: checkout
                namespace: shop
                route: {virtualService: checkout, name: primary, destinationRule: checkout}
                deployments: {canary: checkout-canary, stable: checkout-stable, image: "registry.example.com/shop/checkout:{version}"}
                github: {repo: Codertocat/Hello-World}
                policy: {onNewRevision: reject}
                steps:
                  - setWeight: 10
                  - approval: {}
                  - setWeight: 50
                  - pause: {}
                """);
            return root;
        }

        public Dictionary<string, string> Settings(string storage, string kubeconfig, string githubKey) => new()
        {
            ["AzureWebJobsStorage"] = storage,
            ["Bot:AppRoot"] = Root,
            ["Bot:RunTriggers"] = "true",
            ["ReleaseConfig:Directory"] = ConfigDir,
            ["Traffic:Mode"] = "istio",
            ["Kubernetes:KubeconfigPath"] = kubeconfig,
            ["CommandApi:Keys:0:Name"] = "deployer",
            ["CommandApi:Keys:0:Key"] = DeployerKey,
            ["CommandApi:Keys:1:Name"] = "approver",
            ["CommandApi:Keys:1:Key"] = ApproverKey,
            ["Slack:BotToken"] = SlackDouble.BotToken,
            ["Slack:SigningSecret"] = SlackSecret,
            ["GitHub:ClientId"] = GitHubTestApp.ClientId,
            ["GitHub:PrivateKey"] = githubKey,
            ["GitHub:WebhookSecret"] = GitHubTestApp.WebhookSecret,
        };

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
