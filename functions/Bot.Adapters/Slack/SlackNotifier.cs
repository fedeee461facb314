using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.Slack;

/// <summary>
/// One live Slack message per rollout in the service's channel (<c>ChatChannel</c>): posted on the first notice,
/// then edited in place with <c>chat.update</c> on every notice; step events also go into its thread. Idempotent: a
/// re-applied notice re-renders the same message and its thread reply is posted once (keyed by notice content).
/// </summary>
public sealed class SlackNotifier(SlackClient slack, ISlackMessageStore store, TimeProvider time, ILogger<SlackNotifier> log,
    Pages.PageLinks? pages = null) : INotifier
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    public async Task PublishAsync(Notify notice, CancellationToken ct)
    {
        var rollout = notice.Snapshot;
        if (rollout.Config.ChatChannel is not { Length: > 0 } channel) return;

        // Two notices of one rollout at once must not both post a "first" message.
        var gate = _locks.GetOrAdd(rollout.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var live = await UpsertLiveMessageAsync(rollout, channel, ct);
            await PostReplyAsync(notice, live, ct);
        }
        finally
        {
            gate.Release();
            if (rollout.IsTerminal) _locks.TryRemove(rollout.Id, out _);
        }
    }

    /// <summary>Only the notice's thread reply, for a notice whose state a newer notice already shows in the live message
    /// (the notifications outbox coalesces edits; thread events are not lost). Posts the live message first if there is none.</summary>
    public async Task PublishTimelineAsync(Notify notice, CancellationToken ct)
    {
        var rollout = notice.Snapshot;
        if (rollout.Config.ChatChannel is not { Length: > 0 } channel || !SlackRolloutMessage.IsThreadEvent(notice.Kind)) return;
        var gate = _locks.GetOrAdd(rollout.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var live = await store.GetAsync(rollout.Id, ct) ?? await UpsertLiveMessageAsync(rollout, channel, ct);
            await PostReplyAsync(notice, live, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task PostReplyAsync(Notify notice, SlackMessageRef live, CancellationToken ct)
    {
        var rollout = notice.Snapshot;
        if (!SlackRolloutMessage.IsThreadEvent(notice.Kind)) return;
        var key = ReplyKey(notice);
        if (!await store.TryClaimReplyAsync(rollout.Id, key, ct)) return;
        try
        {
            await slack.PostMessageAsync(live.Channel, SlackRolloutMessage.ThreadReply(notice), live.Ts, ct);
        }
        catch
        {
            // Not posted: give the claim back so the retry posts it.
            await store.ReleaseReplyAsync(rollout.Id, key, CancellationToken.None);
            throw;
        }
    }

    private async Task<SlackMessageRef> UpsertLiveMessageAsync(RolloutState rollout, string channel, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var content = SlackRolloutMessage.Render(rollout, now, pages?.Rollout(rollout.Id, now));
        if (await store.GetAsync(rollout.Id, ct) is { } existing)
        {
            try
            {
                await slack.UpdateMessageAsync(existing, content, ct);
                return existing;
            }
            catch (SlackApiException e) when (e.Error is "message_not_found" or "cant_update_message" or "edit_window_closed")
            {
                log.LogWarning("Slack message of {RolloutId} cannot be edited ({Error}); posting a new one", rollout.Id, e.Error);
            }
        }
        var posted = await slack.PostMessageAsync(channel, content, null, ct);
        await store.SaveAsync(rollout.Id, posted, ct);
        return posted;
    }

    private static string ReplyKey(Notify n)
    {
        var s = n.Snapshot;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{n.Kind}|{s.Revision}|{s.StepIndex}|{s.Phase}|{n.Text}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
