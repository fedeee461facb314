using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Invocations;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Steps;

/// <summary>Timer trigger (<c>Sweep/function.json</c>): for every configured service, applies effects an interrupted
/// run left pending, and runs a step whose message is overdue by more than <see cref="SweepOptions.OverdueGrace"/>.
/// One service failing does not stop the others; the run fails at the end if any did.</summary>
public sealed class SweepFunction(
    IReleaseConfigs configs, IRolloutStore store, RolloutExecutor executor, TimeProvider time,
    IOptions<SweepOptions> options, ILogger<SweepFunction> log) : IFunctionHandler
{
    public const string Name = "Sweep";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var logs = new List<string>();
        var failures = new List<string>();
        foreach (var config in await configs.ListAsync(ct))
        {
            try
            {
                if (await executor.ReconcileAsync(config.Service, ct) is { } reconciled)
                    logs.Add($"{config.Service}: applied {reconciled.Applied.Count} pending effect(s)");
                var state = (await store.GetAsync(config.Service, ct))?.Value;
                if (state?.Active is { NextDueAt: { } due } active && due + options.Value.OverdueGrace <= time.GetUtcNow())
                {
                    var result = await executor.ExecuteAsync(config.Service, new StepDue(active.Id, active.StepIndex) { By = Actor.Timer, Reason = "overdue step re-run by the sweep" }, ct);
                    logs.Add($"{config.Service}: overdue step {active.StepIndex} of {active.Id} run: {result.Decision.Refused?.Message ?? result.Rollout?.Phase.ToString()}");
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{config.Service}: {ex.Message}");
                log.LogError(ex, "sweep of {Service} failed", config.Service);
            }
        }
        foreach (var l in logs) log.LogInformation("{Sweep}", l);
        if (failures.Count > 0) throw new InvalidOperationException("sweep failed for " + string.Join("; ", failures));
        return FunctionResult.Done([.. logs]);
    }
}
