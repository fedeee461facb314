using Bot.Adapters.Slack;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Slack;

/// <summary>
/// Acts on accepted Slack work after the acknowledgement: slash commands through the core grammar
/// (<see cref="SlackCommandRunner"/>), buttons through the <see cref="CommandPipeline"/>, bound to the rollout, revision
/// and step the message showed. Every refusal is an ephemeral sentence and changes nothing;
/// an accepted button changes the rollout, whose live message the notifier then edits in place. A reply that fails after
/// the work was done is put back on the queue as a <see cref="SlackReplyWork"/> (retried as a reply, never by running the
/// command again).
/// </summary>
public sealed class SlackWorkProcessor(
    CommandPipeline pipeline, [FromKeyedServices(SlackServiceCollectionExtensions.MembershipKey)] IMembershipResolver membership,
    SlackResponseUrlClient responses, SlackClient slack, SlackCommandRunner commands, WorkQueue<SlackWork> queue,
    IOptions<SlackOptions> options, ILogger<SlackWorkProcessor> log) : IWorkHandler<SlackWork>
{
    public async Task<string> HandleAsync(SlackWork work, CancellationToken ct)
    {
        await (work switch
        {
            SlackCommandWork c => CommandAsync(c, ct),
            SlackActionWork a => ActionAsync(a, ct),
            // A retry of a reply only: a failure throws, so the queue retries it (and finally poisons it) as a reply.
            SlackReplyWork r => ReplyAsync(r.ResponseUrl, r.ChannelId, r.UserId, r.Text, ct),
            _ => Task.CompletedTask,
        });
        return $"{work.GetType().Name} done";
    }

    private async Task CommandAsync(SlackCommandWork work, CancellationToken ct)
    {
        var c = work.Command;
        if (await commands.RunAsync(work, ct) is { } reply) await ReplyOnceAsync(new SlackReplyWork(c.ResponseUrl, c.ChannelId, c.UserId, reply), ct);
    }

    private async Task ActionAsync(SlackActionWork work, CancellationToken ct)
    {
        var a = work.Action;
        var reply = await DecideReplyAsync(work, ct);
        if (reply is not null) await ReplyOnceAsync(new SlackReplyWork(a.ResponseUrl, a.ChannelId, a.UserId, reply), ct);
    }

    /// <summary>Replies after the work is done. When the reply fails, it is queued as reply-only work and this work ends
    /// (the command ran once); only when that put fails too does the failure propagate, and the bound retry then acts on
    /// the same rollout or does nothing.</summary>
    private async Task ReplyOnceAsync(SlackReplyWork reply, CancellationToken ct)
    {
        try
        {
            await ReplyAsync(reply.ResponseUrl, reply.ChannelId, reply.UserId, reply.Text, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Slack reply to {UserId} failed after the work was done; queued on {Queue} to retry as a reply only", reply.UserId, queue.Queue);
            await queue.EnqueueAsync(reply, ct);
        }
    }

    /// <summary>The ephemeral sentence for the clicker; null for a repeat of a click that was already acted on.</summary>
    private async Task<string?> DecideReplyAsync(SlackActionWork work, CancellationToken ct)
    {
        var a = work.Action;
        if (!SlackActionValue.KnownActions.Contains(a.ActionId))
            return $"Unknown action '{a.ActionId}'. Release messages offer approve, rollback, pause and resume; nothing changed.";
        if (!SlackActionValue.TryParse(a.Value, out var bound))
            return "This button is not bound to a rollout (value must be rollout|revision|step); nothing changed.";

        // Bound to the rollout, revision and step the message showed: the engine refuses a click on an outdated one.
        var binding = CommandBinding.ForRollout(bound.RolloutId, bound.Revision, bound.StepIndex);
        var service = binding.Service;
        ReleaseCommand command = a.ActionId switch
        {
            SlackActionValue.Approve => new ApproveCommand(service),
            SlackActionValue.Rollback => new RollbackCommand(service, $"rollback button in Slack by {a.UserName}"),
            SlackActionValue.Pause => new PauseCommand(service),
            _ => new ResumeCommand(service),
        };
        var outcome = await pipeline.RunAsync(new CommandRequest(command, new Actor(a.UserId, a.UserName, "slack")) {
            Binding = binding, ReceivedAt = work.ReceivedAt, Delivery = work.Delivery(options.Value.DedupTtl),
        }, membership, ct);
        if (outcome.Done) log.LogInformation("{Action} of {RolloutId} by Slack user {UserId} ({UserName})", a.ActionId, bound.RolloutId, a.UserId, a.UserName);
        return SlackCommandRunner.Render(outcome, work.ReceivedAt);
    }

    private async Task ReplyAsync(Uri responseUrl, string? channel, string user, string text, CancellationToken ct)
    {
        try
        {
            if (await responses.TryPostAsync(responseUrl, new SlackResponse(text), ct)) return;
        }
        catch (SlackApiException e)
        {
            log.LogWarning("response_url reply failed ({Error}); falling back to chat.postEphemeral", e.Error);
        }
        if (channel is not null) await slack.PostEphemeralAsync(channel, user, new SlackMessage(text), null, ct);
    }
}
