using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Execution;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Releases;
using Bot.Functions.Sweep;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Orphans;

public static class OrphanExtensions
{
    /// <summary>The orphan guard (run by the <c>Sweep</c> timer every <c>Sweep:OrphanScanInterval</c>), its registry
    /// (table <c>orphans</c>), the restore command and the <c>orphans</c> health entry. Routes are read through the
    /// registered <see cref="ITrafficInspector"/>, else the traffic router when it is one (both routers are).</summary>
    public static IHostApplicationBuilder AddOrphanGuard(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SweepOptions>()
            .Validate(o => o.OrphanScanInterval >= TimeSpan.Zero, "Sweep:OrphanScanInterval must not be negative (e.g. 00:05:00; 00:00:00 scans on every sweep)")
            .ValidateOnStart();
        services.AddSingleton(sp => new OrphanRegistry(sp.GetRequiredService<ITableService>()));
        services.AddSingleton(sp => new OrphanGuard(
            sp.GetRequiredService<IReleaseConfigs>(), sp.GetRequiredService<IRolloutStore>(), InspectorOf(sp), sp.GetRequiredService<OrphanRegistry>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SweepOptions>>(), sp.GetRequiredService<ILogger<OrphanGuard>>(),
            sp.GetService<SlackClient>()));
        services.AddSingleton(sp => new OrphanRestore(InspectorOf(sp), sp.GetRequiredService<IRolloutRunner>(), sp.GetRequiredService<OrphanRegistry>()));
        services.AddHealthChecks().AddCheck<OrphanHealthCheck>("orphans");
        return builder;
    }

    private static ITrafficInspector? InspectorOf(IServiceProvider sp) =>
        sp.GetService<ITrafficInspector>() ?? sp.GetService<ITrafficRouter>() as ITrafficInspector;

    /// <summary><c>POST /api/services/{service}/restore</c> <c>{"reason"?}</c>: 200 restored; 409 a rollout is active
    /// (roll it back instead) or nothing to restore; 403 not allowed; 404 unknown service; 502 the cluster refused.</summary>
    public static async Task<IResult> RestoreAsync(string service, HttpContext http, CommandPipeline pipeline,
        [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership, CancellationToken ct)
    {
        var (request, errors) = await CommandRequests.ReadActionAsync(http.Request, ct);
        if (request is null) return TypedResults.ValidationProblem(errors, title: "The restore request is not valid");
        if (request.StepIndex is not null || request.Revision is not null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["restore takes only {\"reason\"}"] }, title: "The restore request is not valid");
        var outcome = await pipeline.RunAsync(new CommandRequest(new RestoreCommand(service, request.Reason), ApiKeyFilter.ActorOf(http)), membership, ct);
        if (outcome.Refused is { } refused) return CommandApi.Refusal(refused);
        return outcome.Restored == true
            ? TypedResults.Ok(new { message = outcome.Message })
            : TypedResults.Problem(title: "The cluster did not accept the restore", detail: outcome.Message, statusCode: StatusCodes.Status502BadGateway);
    }
}
