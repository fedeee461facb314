using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Slack;

/// <summary>
/// <c>POST /api/slack/commands</c> (function <c>SlackCommands</c>) and <c>POST /api/slack/interactions</c>
/// (function <c>SlackInteractions</c>). Each verifies the signature over the raw body, parses, and hands the work to
/// <see cref="WorkQueue{TWork}.RunOrEnqueueAsync"/>: it is done here before Slack is answered when it takes less than
/// <see cref="SlackOptions.AnswerBudget"/> (an approve's traffic write included, with no queue round trip), and put on the
/// durable <c>slack-work</c> queue when it takes longer or fails. A command or click carries its delivery id
/// (<see cref="SlackWork.DeliveryId"/>) into the state it acts on, so Slack's retry or a replay acts once. A slash command
/// that acts on a rollout is first bound to the service's active rollout (one state read, <see cref="CommandBinding"/>), so
/// a retry of its work never acts on a rollout that started later. When storage refuses the read or the put, the user is
/// told to try again and nothing was accepted.
/// </summary>
public static class SlackEndpoints
{
    internal static async Task<IResult> HandleCommandAsync(HttpContext http, SlackInbox inbox, CancellationToken ct)
    {
        var (body, fail) = await inbox.ReadVerifiedAsync(http.Request, ct);
        if (fail is not null) return fail;
        var parsed = SlackPayloadParser.ParseSlashCommand(body);
        if (parsed.Value is not { } command) return TypedResults.BadRequest(parsed.Error);

        return await inbox.AcceptAsync(await inbox.BindCommandAsync(command, ct), ct) switch
        {
            SlackAcceptance.Done => TypedResults.Ok(), // the reply is already at the command's response_url
            SlackAcceptance.Failed => Ephemeral(NotAccepted),
            _ => Ephemeral($":hourglass_flowing_sand: `{command.Command} {Clip(command.Text)}`: working on it…"),
        };
    }

    internal static async Task<IResult> HandleInteractionAsync(HttpContext http, SlackInbox inbox, CancellationToken ct)
    {
        var (body, fail) = await inbox.ReadVerifiedAsync(http.Request, ct);
        if (fail is not null) return fail;
        var parsed = SlackPayloadParser.ParseBlockActions(body);
        if (parsed.Value is not { } action) return TypedResults.BadRequest(parsed.Error);

        // A replayed or retried delivery carries the same trigger and action timestamp: the engine acts once on it.
        return await inbox.AcceptAsync(new SlackActionWork(action) { ReceivedAt = inbox.Now }, ct) == SlackAcceptance.Failed
            ? Ephemeral(NotAccepted)
            : TypedResults.Ok();
    }

    private const string NotAccepted = "The release bot could not accept this (storage unavailable); nothing changed, try again in a moment.";

    private static IResult Ephemeral(string text) =>
        TypedResults.Json(new JsonObject { ["response_type"] = "ephemeral", ["text"] = text });

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

/// <summary>The endpoints' dependencies, bundled (eShop's <c>[AsParameters]</c> services style).</summary>
public sealed class SlackInbox(IOptions<SlackOptions> options, TimeProvider time, WorkQueue<SlackWork> queue,
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

    /// <summary>Does <paramref name="work"/> before the answer, or puts it on the queue when it takes longer than
    /// <see cref="SlackOptions.AnswerBudget"/> or fails (<see cref="WorkQueue.RunOrEnqueueAsync"/>). Null work (it could not
    /// be prepared: storage down) and a put that storage refuses are <see cref="SlackAcceptance.Failed"/>: nothing was
    /// accepted, and the user is told to try again.</summary>
    public async Task<SlackAcceptance> AcceptAsync(SlackWork? work, CancellationToken ct)
    {
        if (work is null) return SlackAcceptance.Failed;
        try
        {
            return await queue.RunOrEnqueueAsync(work, options.Value.AnswerBudget, ct) == WorkHandOff.Done ? SlackAcceptance.Done : SlackAcceptance.Queued;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Slack {Kind} could not be put on queue {Queue}", work.GetType().Name, queue.Queue);
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

/// <summary>How a Slack request's work went before the answer: done, queued (finished after the answer), or not accepted.</summary>
public enum SlackAcceptance { Done, Queued, Failed }
