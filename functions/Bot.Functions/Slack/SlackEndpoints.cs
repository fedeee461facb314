using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Slack;

/// <summary>
/// <c>POST /api/slack/commands</c> (function <c>SlackCommands</c>) and <c>POST /api/slack/interactions</c>
/// (function <c>SlackInteractions</c>). Each verifies the signature over the raw body, parses, drops retries and
/// replays, puts the work on the durable <see cref="WorkQueue{TWork}"/> of <see cref="SlackWork"/> (one queue put) and answers at once; nothing
/// slow runs before the answer. A slash command that acts on a rollout is first bound to the service's active rollout
/// (one state read, <see cref="CommandBinding"/>), so a retry of its work never acts on a rollout that started later.
/// When storage refuses the read or the put, the user is told to try again and nothing was accepted.
/// </summary>
public static class SlackEndpoints
{
    internal static async Task<IResult> HandleCommandAsync(HttpContext http, SlackInbox inbox, CancellationToken ct)
    {
        var (body, fail) = await inbox.ReadVerifiedAsync(http.Request, ct);
        if (fail is not null) return fail;
        var parsed = SlackPayloadParser.ParseSlashCommand(body);
        if (parsed.Value is not { } command) return TypedResults.BadRequest(parsed.Error);

        // The binding read and the delivery claim go out together: one round trip before the work is queued, not two.
        switch (await inbox.AcceptAsync("slack-command", command.TriggerId, inbox.BindCommandAsync(command, ct), ct))
        {
            case SlackAcceptance.Duplicate: return TypedResults.Ok();
            case SlackAcceptance.Failed: return Ephemeral(NotAccepted);
        }
        return Ephemeral($":hourglass_flowing_sand: `{command.Command} {Clip(command.Text)}`: working on it…");
    }

    internal static async Task<IResult> HandleInteractionAsync(HttpContext http, SlackInbox inbox, CancellationToken ct)
    {
        var (body, fail) = await inbox.ReadVerifiedAsync(http.Request, ct);
        if (fail is not null) return fail;
        var parsed = SlackPayloadParser.ParseBlockActions(body);
        if (parsed.Value is not { } action) return TypedResults.BadRequest(parsed.Error);

        // A replayed or retried delivery carries the same trigger and action timestamp: act once.
        return await inbox.AcceptAsync("slack-action", $"{action.TriggerId}|{action.ActionTs}", Task.FromResult<SlackWork?>(new SlackActionWork(action) { ReceivedAt = inbox.Now }), ct) == SlackAcceptance.Failed
            ? Ephemeral(NotAccepted)
            : TypedResults.Ok();
    }

    private const string NotAccepted = "The release bot could not accept this (storage unavailable); nothing changed, try again in a moment.";

    private static IResult Ephemeral(string text) =>
        TypedResults.Json(new JsonObject { ["response_type"] = "ephemeral", ["text"] = text });

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

/// <summary>The endpoints' dependencies, bundled (eShop's <c>[AsParameters]</c> services style).</summary>
public sealed class SlackInbox(IOptions<SlackOptions> options, TimeProvider time, IDeliveryDedup dedup, WorkQueue<SlackWork> queue,
    IRolloutStore store, ILogger<SlackInbox> log)
{
    /// <summary>Now, on the app's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Slack bodies are small; anything bigger is not Slack.</summary>
    private const int MaxBody = 64 * 1024;

    /// <summary>The work for <paramref name="command"/>, bound to the rollout it acts on as it is now: a command such as
    /// <c>rollback checkout</c> reads checkout's state once and carries the active rollout's id, revision and step (or
    /// that none is active). Commands that act on no rollout, name their rollout, or do not parse (the work answers
    /// with the error) read nothing. Null when the state cannot be read (storage down): nothing is accepted.</summary>
    public async Task<SlackWork?> BindCommandAsync(SlackSlashCommand command, CancellationToken ct)
    {
        var work = new SlackCommandWork(command) { ReceivedAt = time.GetUtcNow() };
        if (CommandParser.Parse(command.Text).Command is not { } parsed || CommandBinding.ServiceToBind(parsed) is not { } service) return work;
        try
        {
            var read = await store.GetAsync(service, ct);
            return work with { Binding = CommandBinding.To(service, read?.Value.Active), Seen = read };
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Slack command for {Service} could not be bound: its rollout state could not be read", service);
            return null;
        }
    }

    /// <summary>Claims the delivery (a retry or replay is a <see cref="SlackAcceptance.Duplicate"/>) while
    /// <paramref name="work"/> is being prepared, and puts the work on the queue. When the work could not be prepared
    /// (null) or storage does not take it, the claim is given back so Slack's retry is processed.</summary>
    public async Task<SlackAcceptance> AcceptAsync(string source, string id, Task<SlackWork?> work, CancellationToken ct)
    {
        bool claimed;
        try
        {
            claimed = await dedup.TryClaimAsync(source, id, options.Value.DedupTtl, ct);
        }
        finally
        {
            if (!work.IsCompleted) await ((Task)work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (!claimed) return SlackAcceptance.Duplicate;
        if (await work is not { } prepared)
        {
            await dedup.ReleaseAsync(source, id, CancellationToken.None);
            return SlackAcceptance.Failed;
        }
        try
        {
            await queue.EnqueueAsync(prepared, ct);
            return SlackAcceptance.Accepted;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Slack {Kind} could not be put on queue {Queue}", prepared.GetType().Name, queue.Queue);
            await dedup.ReleaseAsync(source, id, CancellationToken.None);
            return SlackAcceptance.Failed;
        }
    }

    /// <summary>Reads the raw body and checks the signature; on failure returns the 401/413 to send.</summary>
    public async Task<(byte[] Body, IResult? Fail)> ReadVerifiedAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBody) return ([], TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBody) return ([], TypedResults.StatusCode(StatusCodes.Status413PayloadTooLarge));
        var body = buffer.ToArray();

        var result = SlackSignature.Verify(options.Value.SigningSecret,
            request.Headers[SlackSignature.TimestampHeader], request.Headers[SlackSignature.SignatureHeader], body,
            time.GetUtcNow(), options.Value.SignatureWindow);
        if (result == SlackSignatureResult.Valid) return (body, null);

        log.LogWarning("Slack request to {Path} refused: signature {Result}", request.Path, result);
        var why = result switch
        {
            SlackSignatureResult.MissingHeaders => "X-Slack-Signature and X-Slack-Request-Timestamp are required",
            SlackSignatureResult.BadTimestamp => "X-Slack-Request-Timestamp is not a Unix time",
            SlackSignatureResult.Stale => "X-Slack-Request-Timestamp is more than 5 minutes from now",
            _ => "X-Slack-Signature does not match the body",
        };
        return ([], TypedResults.Text(why, "text/plain", statusCode: StatusCodes.Status401Unauthorized));
    }

}

public enum SlackAcceptance { Accepted, Duplicate, Failed }
