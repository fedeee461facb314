using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Slack;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Slack;

namespace Bot.Functions.Tests.Commands;

/// <summary>A command the surface already read the state for (the binding read at intake, handed on in-process) is not
/// read again by the pipeline: one round trip less between an approve and its traffic write. A read of another service,
/// or none, is read as before.</summary>
public sealed class CommandPipelineSeenTests
{
    private readonly InMemoryRolloutStore _store = new();
    private readonly FakeTimeProvider _time = new(SlackRolloutSamples.Start.AddMinutes(2));

    private (CommandPipeline Pipeline, FakeRolloutRunner Runner) Build()
    {
        var config = SlackRolloutSamples.Config() with { Approvers = ["U0BOB0001"] };
        var waiting = SlackRolloutSamples.Waiting(config with
        {
            Steps = [new Bot.Core.Config.SetWeightStep(10), new Bot.Core.Config.ApprovalStep { Count = 1 }, new Bot.Core.Config.PromoteStep()],
        });
        _store.Overwrite(new ServiceState { Service = "checkout", Active = waiting, Sequence = 7 });
        var runner = new FakeRolloutRunner(_store, _time);
        return (new CommandPipeline(_store, runner, new StaticReleaseConfigs(config), new RecordingAuditLog(), _time), runner);
    }

    private static CommandRequest Approve(Versioned<ServiceState>? seen) =>
        new(new ApproveCommand("checkout"), new Actor("U0BOB0001", "bob", "slack"))
        {
            Binding = seen is null ? null : CommandBinding.To("checkout", seen.Value.Active), Seen = seen,
        };

    [Fact]
    public async Task SeenReadOfTheService_IsUsed_NotReadAgain()
    {
        var (pipeline, runner) = Build();
        var seen = await _store.GetAsync("checkout", default);
        var reads = _store.Reads;

        var outcome = await pipeline.RunAsync(Approve(seen), new NoGroupsMembershipResolver(), default);

        Assert.True(outcome.Done, outcome.Message);
        Assert.IsType<Approve>(Assert.Single(runner.Accepted));
        Assert.Equal(1, _store.Reads - reads); // the runner's own read only
    }

    [Fact]
    public async Task SeenReadOfAnotherService_IsIgnored_AndTheServiceIsRead()
    {
        var (pipeline, runner) = Build();
        var other = new Versioned<ServiceState>(ServiceState.Empty("cart"), "\"etag\"");
        var reads = _store.Reads;

        var outcome = await pipeline.RunAsync(Approve(null) with { Seen = other }, new NoGroupsMembershipResolver(), default);

        Assert.True(outcome.Done, outcome.Message);
        Assert.Single(runner.Accepted);
        Assert.Equal(2, _store.Reads - reads); // the pipeline's read and the runner's
    }
}
