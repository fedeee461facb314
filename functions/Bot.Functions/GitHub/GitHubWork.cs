using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Bot.Adapters.GitHub;
using Bot.Core.Commands;
using Bot.Functions.Hosting;

namespace Bot.Functions.GitHub;

/// <summary>A verified, parsed delivery, done before the answer or by <see cref="GitHubWorkTrigger"/> after it. Travels as
/// JSON on the <c>github-work</c> queue: the parsed essentials (<see cref="GitHubWebhookEvent"/>, with <c>kind</c> naming
/// its type; the event name and delivery id are its <c>event</c> and <c>deliveryId</c>), not the raw body, which may be
/// up to 25 MB while a queue message holds 64 KB. A PR comment's rollout commands carry what they were bound to when the
/// delivery was accepted (<see cref="Bindings"/>, <see cref="AcceptedAt"/>); a comment whose commands ran but whose reply
/// failed comes back as reply-only work (<see cref="Reply"/>), so the commands never run twice.</summary>
public sealed record GitHubWork(GitHubWebhookEvent Delivery) : IWorkMessage<GitHubWork>
{
    /// <summary>When the endpoint accepted the delivery; a command on a service the endpoint could not bind acts only on
    /// a rollout that had started by then (<see cref="CommandBinding.AsOf"/>), and a rollback's latency counts from it.
    /// Null in messages queued before binding.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }

    /// <summary>Per service named (or implied) by the comment's <c>/release</c> lines: its active rollout at intake.</summary>
    public IReadOnlyList<CommandBinding> Bindings { get; init; } = [];

    /// <summary>The state reads <see cref="Bindings"/> were made from, kept in memory only: a prompt run in the accepting
    /// process passes them on (<see cref="CommandRequest.Seen"/>) instead of reading again; a queued message has none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Bot.Core.Ports.Versioned<Bot.Core.Rollouts.ServiceState>> Seen { get; init; } = [];

    /// <summary>In a run in the accepting process only: this work with its <see cref="Bindings"/>, while the endpoint is
    /// still reading them, so the handler starts its GitHub reads (may the commenter command, which PR) first and awaits the
    /// bindings when it needs them. A queued message is always bound.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Task<GitHubWork>? Binding { get; init; }

    /// <summary>Set on reply-only work: the reply comment and reaction still to post for <see cref="Delivery"/>'s comment.</summary>
    public GitHubReply? Reply { get; init; }

    /// <summary>Set on a deadline message: the commit whose deployment gates to check (<see cref="Delivery"/> is the
    /// protection-rule request that opened them). Put on the queue visible at the deadline.</summary>
    public GateDueWork? GateDue { get; init; }

    /// <summary>Comment bodies past this many characters keep only their <c>/release</c> lines (all the handler reads),
    /// so the message stays well under the queue's 64 KB (Base64 on the wire).</summary>
    internal const int MaxText = 8 * 1024;

    private static readonly JsonSerializerOptions Json = Create();

    private static JsonSerializerOptions Create()
    {
        var json = WorkMessageJson.Options();
        // The event records live in Bot.Adapters and carry no JSON attributes: their polymorphism is declared here.
        json.TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(info =>
        {
            if (info.Type != typeof(GitHubWebhookEvent)) return;
            info.PolymorphismOptions = new JsonPolymorphismOptions
            {
                TypeDiscriminatorPropertyName = "kind",
                DerivedTypes =
                {
                    new(typeof(PushEvent), "push"), new(typeof(WorkflowRunEvent), "workflow_run"),
                    new(typeof(CheckRunEvent), "check_run"), new(typeof(IssueCommentEvent), "issue_comment"),
                    new(typeof(DeploymentProtectionRuleEvent), "deployment_protection_rule"),
                },
            };
        });
        return json;
    }

    /// <summary>The work for a parsed delivery, with long free text cut to what the handler uses.</summary>
    public static GitHubWork For(GitHubWebhookEvent e) => new(e switch
    {
        IssueCommentEvent c when c.Body.Length > MaxText => c with { Body = Clip(string.Join("\n", GitHubEventHandler.CommandLines(c.Body))) },
        PushEvent p when p.HeadCommitMessage?.Length > MaxText => p with { HeadCommitMessage = Clip(p.HeadCommitMessage) },
        _ => e,
    });

    private static string Clip(string s) => s.Length <= MaxText ? s : s[..MaxText];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static GitHubWork Parse(string text) => WorkMessageJson.Parse<GitHubWork>(text, Json, "GitHub work message");
}

/// <summary>The deployment gates of <see cref="Sha"/> of <see cref="Service"/>, due for a deadline check.</summary>
public sealed record GateDueWork(string Service, string Sha);

/// <summary>A PR comment's answer: the reply comment's body and the reaction on the command comment.</summary>
public sealed record GitHubReply(string Body, string Reaction);
