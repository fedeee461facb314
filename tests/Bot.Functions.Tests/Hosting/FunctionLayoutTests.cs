using System.Text.Json.Nodes;
using Bot.Functions.Hosting;
using Bot.Functions.Invocations;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Hosting;

[Collection(AzuriteFixture.Collection)]
public sealed class FunctionLayoutTests(AzuriteFixture azurite)
{
    private static readonly FunctionCatalog Repo = new(RepoPaths.Root);

    [Fact]
    public async Task Functions_EveryFunctionJsonHasAHandlerAndEveryHandlerAFunctionJson()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        using var scope = app.Services.CreateScope();
        var handlers = scope.ServiceProvider.GetRequiredService<FunctionHandlers>();
        var endpoints = scope.ServiceProvider.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var httpFunctions = endpoints.Select(e => e.Metadata.GetMetadata<FunctionNameMetadata>()?.FunctionName).OfType<string>().ToHashSet();

        foreach (var f in Repo.Functions)
        {
            if (f.IsHttp)
            {
                Assert.True(httpFunctions.Contains(f.Name), $"{f.Path}: no endpoint carries FunctionNameMetadata(\"{f.Name}\")");
                var prefix = "api/" + f.Route!.Split("{", 2)[0].TrimEnd('/');
                foreach (var e in endpoints.Where(e => e.Metadata.GetMetadata<FunctionNameMetadata>()?.FunctionName == f.Name))
                {
                    var pattern = e.RoutePattern.RawText!.TrimStart('/');
                    Assert.True(pattern.StartsWith(prefix, StringComparison.Ordinal), $"{f.Name}: endpoint /{pattern} is outside the function's route /{prefix}");
                    foreach (var method in e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                        Assert.True(f.Methods.Count == 0 || f.Methods.Contains(method.ToLowerInvariant()), $"{f.Path}: method {method} of /{pattern} is not in 'methods'");
                }
            }
            else
            {
                Assert.True(handlers.Find(f.Name) is not null, $"{f.Path}: no IFunctionHandler named '{f.Name}'");
            }
        }
        foreach (var name in handlers.Names)
            Assert.True(Repo.Find(name) is { IsHttp: false }, $"handler '{name}' has no functions/{name}/function.json with a queue or timer trigger");
        foreach (var name in httpFunctions)
            Assert.True(Repo.Find(name) is { IsHttp: true }, $"endpoints tagged '{name}' have no functions/{name}/function.json with an httpTrigger");
        var untagged = endpoints.Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api", StringComparison.Ordinal) && e.Metadata.GetMetadata<FunctionNameMetadata>() is null);
        Assert.Empty(untagged.Select(e => e.RoutePattern.RawText));
    }

    [Fact]
    public void HostJson_IsValidForTheCustomHandler()
    {
        var host = Repo.HostJson;
        Assert.Equal("2.0", (string?)host["version"]);
        var handler = host["customHandler"]!;
        Assert.True((bool?)handler["enableForwardingHttpRequest"], "HTTP must be forwarded raw so signatures are checked on exact bytes");
        var exe = (string)handler["description"]!["defaultExecutablePath"]!;
        var assemblyName = typeof(Program).Assembly.GetName().Name!;
        Assert.Equal($"bin/{assemblyName}", exe);
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
        Assert.Equal("base64", Repo.Queues.MessageEncoding);
        Assert.InRange(Repo.Queues.BatchSize, 1, 32);
        Assert.True(Repo.Queues.MaxDequeueCount >= 1);
    }

    [Fact]
    public void FunctionJson_QueueAndTimerTriggersAreWellFormed()
    {
        var steps = Repo.Find("RolloutSteps")!;
        Assert.True(steps.IsQueue);
        Assert.Equal("rollout-steps", steps.QueueName);
        Assert.Equal(Bot.Functions.Steps.RolloutStepsFunction.Binding, steps.TriggerBinding);
        foreach (var (name, queue) in new[]
                 {
                     (Bot.Functions.Slack.SlackWorkFunction.Name, Bot.Functions.Slack.SlackWorkFunction.DefaultQueue),
                     (Bot.Functions.GitHub.GitHubWorkFunction.Name, Bot.Functions.GitHub.GitHubWorkFunction.DefaultQueue),
                     (Bot.Functions.Notifications.NotificationsFunction.Name, Bot.Functions.Notifications.NotificationsFunction.DefaultQueue),
                 })
        {
            var work = Repo.Find(name)!;
            Assert.True(work.IsQueue, $"{work.Path}: not a queue trigger");
            Assert.Equal(queue, work.QueueName);
            Assert.Equal(WorkQueueFunction.Binding, work.TriggerBinding);
        }
        foreach (var timer in Repo.Functions.Where(f => f.IsTimer))
            Bot.Functions.Standalone.TimerRunner.ParseSchedule(timer); // throws naming the file when not six-field NCRONTAB
        foreach (var f in Repo.Functions.Where(f => f.IsHttp))
        {
            var bindings = (JsonArray)f.Json["bindings"]!;
            Assert.True(bindings.Count == 2 && bindings.Any(b => (string?)b!["type"] == "http"),
                $"{f.Path}: forwarding needs exactly an httpTrigger in and an http out binding");
        }
    }
}
