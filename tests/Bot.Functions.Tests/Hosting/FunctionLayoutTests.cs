using System.Net;
using System.Text.RegularExpressions;
using Bot.Functions.Hosting;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Hosting;

/// <summary>The standalone host serves exactly the functions of the build's functions.metadata: each HTTP function at
/// <c>/api/{route}</c> with its methods, nothing else under /api; and host.json is what the isolated worker's host expects.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class FunctionLayoutTests(AzuriteFixture azurite)
{
    private static readonly FunctionCatalog Build = new(BuildOutput.Folder);

    [Fact]
    public async Task Endpoints_AreExactlyTheHttpFunctionsOfFunctionsMetadata()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api", StringComparison.Ordinal)).ToList();

        var http = Build.Functions.Where(f => f.IsHttp).ToList();
        Assert.NotEmpty(http);
        Assert.Equal(http.Count, endpoints.Count);
        foreach (var f in http)
        {
            var e = Assert.Single(endpoints, e => e.Metadata.GetMetadata<FunctionNameMetadata>()?.FunctionName == f.Name);
            Assert.Equal("/api/" + f.Route, e.RoutePattern.RawText);
            Assert.Equal(f.Methods.Select(m => m.ToUpperInvariant()), e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods);
        }
    }

    [Fact]
    public async Task EveryMetadataRoute_ReachesItsFunction_AndOtherPathsAre404()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        var client = app.Client(null);
        foreach (var f in Build.Functions.Where(f => f.IsHttp))
        {
            // Route parameters filled in; no credentials: each function answers itself (200 health, 401/403 for the rest).
            var path = "/api/" + Regex.Replace(f.Route!, @"\{(\w+)(:[^}]*)?\}", m => m.Groups[1].Value == "action" ? "approve" : "x");
            using var request = new HttpRequestMessage(new HttpMethod(f.Methods[0].ToUpperInvariant()), path) { Content = new StringContent("{}") };
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
                $"{f.Name}: {request.Method} {path} answered {(int)response.StatusCode}");
        }
        foreach (var (method, path) in new[] { ("GET", "/api/nothing"), ("POST", "/api/rollouts/x/explode"), ("GET", "/api/Rollouts"), ("POST", "/RolloutSteps") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{method} {path} answered {(int)response.StatusCode}");
            if (path == "/api/nothing") Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var wrongMethod = await client.DeleteAsync("/api/health");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    [Fact]
    public async Task FeatureSwitchedOff_ItsFunctionsStayListed_AndAnswer404SayingWhy()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false, settings: new Dictionary<string, string>
        {
            ["Slack:BotToken"] = "", ["Slack:SigningSecret"] = "", ["CommandApi:Enabled"] = "false",
        });
        var client = app.Client(TestAppRoot.DeployerKey);
        foreach (var (path, why) in new[] { ("/api/slack/commands", "Slack is off"), ("/api/rollouts", "command API is off") })
        {
            using var response = await client.PostAsync(path, new StringContent("{}"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains(why, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HostJson_IsForTheIsolatedWorker()
    {
        var repo = new FunctionCatalog(BuildOutput.Folder);
        var host = repo.HostJson;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Null(host["customHandler"]);
        Assert.Equal("api", repo.RoutePrefix);
        Assert.Equal("base64", repo.Queues.MessageEncoding);
        Assert.InRange(repo.Queues.BatchSize, 1, 32);
        Assert.True(repo.Queues.MaxDequeueCount >= 1);
        // The build's copy is the repository's host.json.
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), File.ReadAllText(repo.HostJsonPath));
    }

    [Fact]
    public void WorkQueues_AreTheQueuesTheirFunctionsTriggerOn()
    {
        foreach (var (name, queue) in new[]
                 {
                     (Bot.Functions.Steps.RolloutStepsTrigger.Name, Bot.Functions.Steps.RolloutStepsTrigger.Queue),
                     (Bot.Functions.Slack.SlackWorkTrigger.Name, Bot.Functions.Slack.SlackWorkTrigger.Queue),
                     (Bot.Functions.GitHub.GitHubWorkTrigger.Name, Bot.Functions.GitHub.GitHubWorkTrigger.Queue),
                     (Bot.Functions.Notifications.NotificationsTrigger.Name, Bot.Functions.Notifications.NotificationsTrigger.Queue),
                 })
            Assert.Equal(queue, Build.QueueOf(name));
        Assert.Throws<InvalidOperationException>(() => Build.QueueOf("Health"));
    }

    [Fact]
    public void Catalog_WithoutFunctionsMetadata_FailsNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("releasebot-noroot-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoPaths.Root, "host.json"), Path.Combine(dir, "host.json"));
            var ex = Assert.Throws<InvalidOperationException>(() => new FunctionCatalog(dir));
            Assert.Contains("functions.metadata", ex.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(dir, true); }
    }
}
