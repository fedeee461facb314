using System.Net;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.Functions.Slack;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;

namespace Bot.Functions.Tests.Slack;

/// <summary>Accepted Slack work is on the <c>slack-work</c> Storage queue before the ack, so it outlives the process
/// that acknowledged it; work that cannot be done ends in <c>slack-work-poison</c> with its reason.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackWorkQueueTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Command_AckedThenProcessGone_WorkIsOnQueueAndNextProcessReplies()
    {
        var queue = AzuriteFixture.NewName("slack");
        var queues = azurite.CreateQueueService();

        // 1. A process without a running handler acks the command, then goes away.
        await using (var acking = await SlackTestApp.StartAsync(azurite, queue: queue, listen: false))
        {
            var ack = await acking.Client.SendAsync(acking.Signed("/api/slack/commands", acking.CommandBody("status checkout", triggerId: "5.6.7")));
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            Assert.Contains("working on it", await ack.Content.ReadAsStringAsync());
            Assert.Empty(acking.Slack.ResponseUrlPosts);
        }

        var peeked = Assert.Single(await queues.PeekAsync(queue, 32, CancellationToken.None));
        var work = Assert.IsType<SlackCommandWork>(SlackWork.Parse(peeked.Text));
        Assert.Equal(("status checkout", "U0ALICE01", "5.6.7"), (work.Command.Text, work.Command.UserId, work.Command.TriggerId));

        // 2. The next process's queue trigger does the work: the reply reaches the command's response_url.
        await using var next = await SlackTestApp.StartAsync(azurite, queue: queue);
        var reply = Assert.Single(await next.RepliesAsync(1));
        Assert.Equal(work.Command.ResponseUrl, reply.Url);
        Assert.Contains("*checkout*", reply.Body["text"]!.GetValue<string>());
        await WorkQueueProbe.WaitUntilAsync(async () => (await queues.PeekAsync(queue, 32, CancellationToken.None)).Count == 0);
        next.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task Command_DoneByAnotherProcessLater_CountsFromWhenSlacksRequestWasReceived()
    {
        var queue = AzuriteFixture.NewName("slack");
        // The process that will do the work, with the rollout, its clock two minutes past the one that acknowledges.
        await using var next = await SlackTestApp.StartAsync(azurite, queue: queue);
        next.Seed(SlackRolloutSamples.Waiting());
        await using var acking = await SlackTestApp.StartAsync(azurite, queue: queue, listen: false);
        acking.Seed(SlackRolloutSamples.Waiting());
        var received = acking.Time.GetUtcNow();
        next.Time.SetUtcNow(received.AddMinutes(2));

        var ack = await acking.Client.SendAsync(acking.Signed("/api/slack/commands", acking.CommandBody("rollback checkout", "U0BOB0001", triggerId: "7.7.7")));
        Assert.Contains("working on it", await ack.Content.ReadAsStringAsync());

        await next.RepliesAsync(1);
        var rollback = Assert.IsType<Rollback>(Assert.Single(next.Rollouts.Accepted));
        Assert.Equal(received, rollback.ReceivedAt); // not when the other process ran it
    }

    [Fact]
    public async Task Command_QueuePutRefusedByStorage_SaysSoAndSlacksRetryIsNotDroppedAsADuplicate()
    {
        // Storage refuses the put for real: Azurite rejects a queue name with capitals and underscores.
        await using var app = await SlackTestApp.StartAsync(azurite, queue: "Not_A_Queue", listen: false);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var ack = await app.Client.SendAsync(app.Signed("/api/slack/commands", app.CommandBody("status checkout", triggerId: "9.9.9")));
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            // Both times the user hears that nothing was accepted: the failed first attempt gave its claim back.
            Assert.Contains("could not accept this", await ack.Content.ReadAsStringAsync());
        }
        Assert.Empty(app.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Message_NotSlackWork_MovesToPoisonQueueWithReason()
    {
        var queue = AzuriteFixture.NewName("slack");
        var queues = azurite.CreateQueueService();
        await queues.CreateIfNotExistsAsync(queue, CancellationToken.None);
        await queues.SendAsync(queue, "{\"kind\":\"command\"}", null, null, CancellationToken.None);

        var poison = QueueListener.PoisonQueueOf(queue);
        await queues.CreateIfNotExistsAsync(poison, CancellationToken.None); // so it can be peeked before the listener is up

        await using var app = await SlackTestApp.StartAsync(azurite, queue: queue);
        Assert.Equal("{\"kind\":\"command\"}", Assert.Single(await WorkQueueProbe.WaitForMessagesAsync(queues, poison, 1)).Text);
        Assert.Empty(await queues.PeekAsync(queue, 32, CancellationToken.None));
        Assert.Contains("not a Slack work message", Assert.Single(await WorkQueueProbe.PoisonReasonsAsync(azurite, queue)));
        Assert.Empty(app.Slack.ResponseUrlPosts);
    }
}
