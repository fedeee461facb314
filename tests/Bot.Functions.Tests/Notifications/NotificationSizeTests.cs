using Bot.Core.Rollouts;
using Bot.Functions.Notifications;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Logging;
using Bot.Functions.Hosting;

namespace Bot.Functions.Tests.Notifications;

/// <summary>A notice too large for a queue message is dropped with an error, never thrown: thrown, it would stay pending in
/// the service's state and fail every later command of that service, rollback included.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class NotificationSizeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OversizedNotice_IsDroppedAndLogged_OthersStillGoOut()
    {
        var queues = azurite.CreateQueueService();
        var name = AzuriteFixture.NewName("notif");
        await queues.CreateIfNotExistsAsync(name, default);
        var log = new ListLogger();
        var outbox = new NotificationOutbox(new WorkQueue<NotificationWork>(queues, name),
            [new NotificationTarget("slack", _ => throw new NotSupportedException()), new NotificationTarget("github", _ => throw new NotSupportedException())],
            new FakeTimeProvider(), log);
        var started = RolloutMachine.Decide(ServiceState.Empty("checkout-api"), new StartRollout("1.0.0", Configs.Checkout()) { By = Configs.Deployer }, DateTimeOffset.UnixEpoch);
        var rollout = started.State.Active!;

        await outbox.PublishAsync(new Notify(NoticeKind.Started, new string('x', NotificationOutbox.MaxMessageBytes), rollout) { RolloutId = rollout.Id }, default);
        Assert.Empty(await queues.PeekAsync(name, 32, default));
        Assert.Equal(2, log.Errors.Count); // one per target, naming the rollout and the size
        Assert.All(log.Errors, e => Assert.Contains($"{rollout.Id}: Started notice for", e, StringComparison.Ordinal));

        await outbox.PublishAsync(new Notify(NoticeKind.Started, "started", rollout) { RolloutId = rollout.Id }, default);
        Assert.Equal(2, (await queues.PeekAsync(name, 32, default)).Count);
    }

    private sealed class ListLogger : ILogger<NotificationOutbox>
    {
        public List<string> Errors { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error) Errors.Add(formatter(state, exception));
        }
    }
}
