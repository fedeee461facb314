using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.Functions.Hosting;
using Bot.Functions.Steps;

namespace Bot.Functions.Tests.Steps;

[Collection(AzuriteFixture.Collection)]
public sealed class QueueStepSchedulerTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _time = new();
    private readonly AzureQueueService _queues = azurite.CreateQueueService();
    private readonly string _queue = AzuriteFixture.NewName("steps");

    private QueueStepScheduler Scheduler() => new(new WorkQueue<StepWork>(_queues, _queue), _time);

    [Fact]
    public async Task ScheduleAsync_Due_IsVisibleNow_AsStepMessageJson()
    {
        var scheduler = Scheduler();
        var message = new StepMessage("checkout-api", "checkout-api-7", 2);

        await scheduler.ScheduleAsync(message, _time.GetUtcNow().AddMinutes(-1), Ct);

        var received = Assert.Single(await _queues.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(message, StateJson.Deserialize<StepMessage>(received.Text));
        Assert.Contains("\"rolloutId\":\"checkout-api-7\"", received.Text);
    }

    [Fact]
    public async Task ScheduleAsync_Later_IsHiddenUntilThen()
    {
        var scheduler = Scheduler();

        await scheduler.ScheduleAsync(new StepMessage("cart", "cart-1", 1), _time.GetUtcNow().AddMinutes(10), Ct);

        Assert.Empty(await _queues.PeekAsync(_queue, 1, Ct));
    }

    [Theory]
    [InlineData(-60, 0)]
    [InlineData(0, 0)]
    [InlineData(0.2, 1)]
    [InlineData(600, 600)]
    [InlineData(604_799.5, 604_800)]
    [InlineData(30 * 86_400, 604_800)]
    public void DelayUntil_RoundsUpAndCapsAtSevenDays(double dueInSeconds, double expectedSeconds)
    {
        var now = _time.GetUtcNow();
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), QueueStepScheduler.DelayUntil(now.AddSeconds(dueInSeconds), now));
    }

    [Fact]
    public async Task ScheduleAsync_BeyondSevenDays_IsAcceptedAtTheCap()
    {
        var scheduler = Scheduler();

        await scheduler.ScheduleAsync(new StepMessage("cart", "cart-2", 1), _time.GetUtcNow().AddDays(30), Ct);

        Assert.Empty(await _queues.PeekAsync(_queue, 1, Ct));
    }
}
