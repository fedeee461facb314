using Bot.Functions.Hosting;
using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Steps;
using Bot.Functions.Sweep;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Sweep;

/// <summary>
/// The real storage path on Azurite (rollout table, due index, step queue, audit, dedup) with the production executor,
/// gated decider and sweeper; the clock is fake and traffic/notices are recorded. Queue visibility runs on Azurite's
/// real clock, so a message scheduled in the (fake) future stays hidden for the whole test, like a lost one.
/// </summary>
internal sealed class SweepHarness
{
    public static readonly Actor Deployer = new("octocat", "octocat", "github");

    public FakeTimeProvider Clock { get; }
    public AzureQueueService Queues { get; }
    public AzureTableService Tables { get; }
    public StorageOptions Storage { get; }
    public TableDueIndex Index { get; }
    public IRolloutStore Store { get; }
    public RecordingTrafficRouter Router { get; } = new();
    public RecordingNotifier Notifier { get; } = new();
    public RolloutExecutor Executor { get; }
    public DueSweeper Sweeper { get; }
    public SweepOptions Options { get; }
    /// <summary>This harness's <c>rollout-steps</c> queue.</summary>
    public string StepQueue { get; }
    public GateContext Gates { get; set; } = new() { Cron = NCrontabEvaluator.Instance };

    public SweepHarness(AzuriteFixture azurite, DateTimeOffset start, SweepOptions? options = null)
    {
        Clock = new FakeTimeProvider(start);
        Queues = azurite.CreateQueueService();
        Tables = azurite.CreateTableService();
        Storage = new StorageOptions
        {
            RolloutsTable = AzuriteFixture.NewName("ro"), AuditTable = AzuriteFixture.NewName("au"),
        };
        StepQueue = AzuriteFixture.NewName("steps");
        Options = options ?? new SweepOptions();
        Index = new TableDueIndex(Tables, AzuriteFixture.NewName("due"));
        Store = new DueIndexingRolloutStore(new TableRolloutStore(Tables, Storage), Index, Clock, Microsoft.Extensions.Options.Options.Create(Options));
        var scheduler = new QueueStepScheduler(new WorkQueue<StepWork>(Queues, StepQueue), Clock);
        Executor = new RolloutExecutor(Store, Router, new NullDeploymentController(), Notifier, scheduler, new TableAuditLog(Tables, Storage),
            (s, i, now) => RolloutMachine.Decide(s, i, now, Gates), Clock);
        Sweeper = new DueSweeper(Index, Store, scheduler, Executor, Clock, Microsoft.Extensions.Options.Options.Create(Options));
    }

    public static ReleaseConfig Config(IReadOnlyList<StepSpec> steps, DeployWindow? window = null, string service = "checkout-api") => new()
    {
        Service = service,
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = service, RouteName = "primary", DestinationRule = service },
        Deployments = new DeploymentSpec { Canary = $"{service}-canary", Stable = service, ImageTemplate = $"registry.example.com/{service}:{{version}}" },
        Steps = steps,
        Window = window,
        Source = $"{service}.releasebot.yaml",
    };

    public Task<ExecutionResult> StartAsync(ReleaseConfig config, string version = "1.4.2") =>
        Executor.ExecuteAsync(config.Service, new StartRollout(version, config) { By = Deployer }, default);

    /// <summary>Runs every visible step message through the executor (as the queue trigger does) until none is left.</summary>
    public async Task<int> PumpAsync()
    {
        var handled = 0;
        while (true)
        {
            var batch = await Queues.ReceiveAsync(StepQueue, 32, TimeSpan.FromMinutes(1), default);
            if (batch.Count == 0) return handled;
            foreach (var m in batch)
            {
                var step = StepWork.Parse(m.Text).Step;
                await Executor.ExecuteAsync(step.Service, new StepDue(step.RolloutId, step.StepIndex) { By = Actor.Timer }, default);
                await Queues.DeleteMessageAsync(StepQueue, m.MessageId, m.PopReceipt, default);
                handled++;
            }
        }
    }

    /// <summary>Loses every step message currently waiting (visible or not).</summary>
    public Task LoseMessagesAsync() => Queues.ClearAsync(StepQueue, default);

    public async Task<ServiceState> StateAsync(string service = "checkout-api") => (await Store.GetAsync(service, default))!.Value;

    public IReadOnlyList<string> Weights => Router.Calls.Where(c => c.Operation is "setWeight" or "rollback").Select(c => $"{c.Operation} {c.Argument}").ToList();
}
