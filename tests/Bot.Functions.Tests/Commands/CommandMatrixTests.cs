using Bot.Core.Calendar;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Docs;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.Core.Freezes;

namespace Bot.Functions.Tests.Commands;

/// <summary>
/// Issue 10's matrix: every surface × every action it offers × {deployer, approver, neither, the requester approving their
/// own rollout, a member of an approver group} through the one <see cref="CommandPipeline"/> and the real executor and
/// engine, each surface with its own identity, group resolver and binding (as its intake builds them). The expected answer
/// is read from README.md's "who may do what" table; every refusal leaves the state's ETag and the traffic as they were
/// and writes exactly one refused-attempt audit record naming who, what, the surface and why.
/// </summary>
public class CommandMatrixTests
{
    private const string Service = "checkout-api";

    /// <summary>The people, by role; <c>rita</c> started every rollout (and may deploy and approve), <c>gail</c> is in @sre.</summary>
    public enum Role { Deployer, Approver, Neither, Requester, GroupMember }

    private static readonly Dictionary<Role, string> People = new()
    {
        [Role.Deployer] = "dana", [Role.Approver] = "abe", [Role.Neither] = "nick", [Role.Requester] = "rita", [Role.GroupMember] = "gail",
    };

    private static ReleaseConfig Config => Configs.Checkout(Service) with
    {
        Deployers = ["dana", "rita"],
        Approvers = ["abe", "rita", "@sre"],
        Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
    };

    /// <summary>What each surface offers, and how its intake turns a person into an actor, a binding and a group resolver.</summary>
    public sealed record Surface(string Name, ReleaseAction[] Actions, Func<string, Actor> ActorOf, bool BindsToButton, IMembershipResolver Groups)
    {
        public override string ToString() => Name;
    }

    private static readonly ReleaseAction[] Everything =
        [ReleaseAction.Deploy, ReleaseAction.Approve, ReleaseAction.Promote, ReleaseAction.Pause, ReleaseAction.Resume, ReleaseAction.Abort, ReleaseAction.Rollback, ReleaseAction.Freeze];

    private static readonly Surface[] Surfaces =
    [
        new("Slack command", Everything, p => new Actor(p, p, "slack"), false, new Groups("slack")),
        new("Slack button", [ReleaseAction.Approve, ReleaseAction.Rollback, ReleaseAction.Pause, ReleaseAction.Resume], p => new Actor(p, p, "slack"), true, new Groups("slack")),
        new("PR comment", [ReleaseAction.Approve, ReleaseAction.Promote, ReleaseAction.Pause, ReleaseAction.Resume, ReleaseAction.Abort, ReleaseAction.Rollback],
            p => new Actor(p, p, "github"), false, new Groups("github")),
        new("check-run button", [ReleaseAction.Approve, ReleaseAction.Rollback, ReleaseAction.Pause], p => new Actor(p, p, "github"), true, new Groups("github")),
        // A key named key-<person>, mapped to the person (the group member's key to the group handle itself).
        new("command API", Everything, p => new Actor("key-" + p, "key-" + p, "api") { Identity = p == "gail" ? "@sre" : p }, false, NoGroupsMembershipResolver.Instance),
        new("CI webhook", [ReleaseAction.Deploy], p => new Actor("ci-" + p, "ci-" + p, "ci") { Identity = p == "gail" ? "@sre" : p }, false, NoGroupsMembershipResolver.Instance),
    ];

    public static TheoryData<Surface, ReleaseAction, Role> Cases()
    {
        var data = new TheoryData<Surface, ReleaseAction, Role>();
        foreach (var surface in Surfaces)
            foreach (var action in surface.Actions)
                foreach (var role in Enum.GetValues<Role>())
                    data.Add(surface, action, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RunAsync_SurfaceActionRole_AllowedOrRefusedAsTheReadmeSays(Surface surface, ReleaseAction action, Role role)
    {
        var world = new World(surface);
        var rollout = action is ReleaseAction.Deploy or ReleaseAction.Freeze ? null : await world.StartAsync(paused: action == ReleaseAction.Resume);
        var by = surface.ActorOf(People[role]);
        var before = await world.Store.GetAsync(Service, default);
        var traffic = world.Router.Calls.Count;
        var audit = world.Audit.Entries.Count;

        var outcome = await world.Pipeline.RunAsync(Request(action, by, rollout, surface), surface.Groups, default);

        var table = WhoMayTable.Read();
        var principals = WhoMayTable.WhoMay(table, action, Config, []);
        var named = principals.Contains(People[role]) || (role == Role.GroupMember && principals.Contains("@sre"));
        var expected = named && !(role == Role.Requester && WhoMayTable.ForbidsRequester(table, action));
        Assert.True(expected == outcome.Done, $"{surface} {action} by {role}: expected {(expected ? "allowed" : "refused")}, got: {outcome.Message}");
        var added = world.Audit.Entries.Skip(audit).ToList();
        if (expected)
        {
            Assert.DoesNotContain(added, e => e.Action.EndsWith("-refused", StringComparison.Ordinal));
            return;
        }
        var after = await world.Store.GetAsync(Service, default);
        Assert.Equal(before?.ETag, after?.ETag);
        Assert.Equal(traffic, world.Router.Calls.Count);
        Assert.Empty(world.Freezes.Set);
        var refused = Assert.Single(added);
        Assert.Equal(CommandPipeline.RefusedAction(action.ToString().ToLowerInvariant()), refused.Action);
        Assert.Equal(by, refused.By);
        Assert.Equal(outcome.Message, refused.Reason);
        Assert.Equal(rollout?.Id ?? "", refused.RolloutId);
    }

    /// <summary>The request the surface's intake builds: buttons are bound to the rollout, revision and step shown;
    /// commands to the rollout active when they were accepted.</summary>
    private static CommandRequest Request(ReleaseAction action, Actor by, RolloutState? rollout, Surface surface)
    {
        ReleaseCommand command = action switch
        {
            ReleaseAction.Deploy => new DeployCommand(Service, "1.5.0"),
            ReleaseAction.Approve => new ApproveCommand(Service),
            ReleaseAction.Promote => new PromoteCommand(Service),
            ReleaseAction.Pause => new PauseCommand(Service),
            ReleaseAction.Resume => new ResumeCommand(Service),
            ReleaseAction.Abort => new AbortCommand(Service),
            ReleaseAction.Rollback => new RollbackCommand(Service, "matrix"),
            _ => new FreezeCommand(Service, TimeSpan.FromHours(2), "launch day"),
        };
        var binding = rollout is null ? null
            : surface.BindsToButton ? CommandBinding.ForRollout(rollout.Id, rollout.Revision, rollout.StepIndex)
            : CommandBinding.To(Service, rollout);
        return new CommandRequest(command, by) { Binding = binding };
    }

    /// <summary>One service on in-memory ports with the real executor and engine.</summary>
    private sealed class World
    {
        public World(Surface surface)
        {
            Requester = surface.ActorOf("rita");
            Executor = new RolloutExecutor(Store, Router, new NullDeploymentController(), new RecordingNotifier(), Scheduler, Audit,
                RolloutMachine.Decide, Time);
            Pipeline = new CommandPipeline(Store, Executor, new StaticReleaseConfigs(Config), Audit, Time, Freezes);
        }

        public FakeTimeProvider Time { get; } = new();
        public InMemoryRolloutStore Store { get; } = new();
        public RecordingTrafficRouter Router { get; } = new();
        public RecordingScheduler Scheduler { get; } = new();
        public RecordingAuditLog Audit { get; } = new();
        public RecordingFreezes Freezes { get; } = new();
        public RolloutExecutor Executor { get; }
        public CommandPipeline Pipeline { get; }
        public Actor Requester { get; }

        /// <summary>rita's rollout, waiting for approval at step 2 (or paused there).</summary>
        public async Task<RolloutState> StartAsync(bool paused)
        {
            await Executor.ExecuteAsync(Service, new StartRollout("1.4.2", Config) { By = Requester }, default);
            for (var i = 0; i < Scheduler.Scheduled.Count; i++)
            {
                var (m, _) = Scheduler.Scheduled[i];
                await Executor.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, default);
            }
            if (paused) await Executor.ExecuteAsync(Service, new Pause { By = Actor.System }, default);
            var active = (await Store.GetAsync(Service, default))!.Value.Active!;
            Assert.Equal(paused ? RolloutPhase.Paused : RolloutPhase.WaitingApproval, active.Phase);
            return active;
        }
    }

    /// <summary>Slack user groups or GitHub teams: gail is in @sre, on that surface only.</summary>
    private sealed class Groups(string surface) : IMembershipResolver
    {
        public ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct) =>
            ValueTask.FromResult(group == "@sre" && actor.Surface == surface && actor.Id == "gail");
    }

    internal sealed class RecordingFreezes : IFreezeControl
    {
        public List<Freeze> Set { get; } = [];

        public Task<Freeze> FreezeAsync(string scope, TimeSpan? duration, string? reason, Actor by, CancellationToken ct)
        {
            var freeze = new Freeze(scope, reason ?? "", by, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch + duration);
            Set.Add(freeze);
            return Task.FromResult(freeze);
        }

        public Task<Freeze?> UnfreezeAsync(string scope, CancellationToken ct) => Task.FromResult<Freeze?>(null);
    }
}
