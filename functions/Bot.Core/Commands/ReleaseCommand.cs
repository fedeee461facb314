using Bot.Core.Freezes;

namespace Bot.Core.Commands;

/// <summary>What a human can ask for, from Slack (<c>/release …</c>), PR comments and the API. Parsed by <see cref="CommandParser"/>.</summary>
public abstract record ReleaseCommand
{
    /// <summary>The verb as users type it, lowercase.</summary>
    public abstract string Verb { get; }
    /// <summary>What the <see cref="Policies.Authorizer"/> checks.</summary>
    public abstract ReleaseAction Action { get; }
}

/// <summary>A command that acts on one rollout of <see cref="Service"/>: the rollout it names (<see cref="RolloutId"/>,
/// e.g. <c>/release rollback checkout-2</c>), else the one its delivery was bound to at intake (<see cref="CommandBinding"/>).</summary>
public abstract record RolloutCommand(string Service) : ReleaseCommand
{
    /// <summary>The rollout the command names explicitly; null when it names only the service. The default value is null.</summary>
    public string? RolloutId { get; init; }
}

/// <summary>Verbs of <c>/release</c>, for authorization (who may do what).</summary>
public enum ReleaseAction { Deploy, Status, Approve, Rollback, Pause, Resume, Promote, Abort, History, Freeze, Unfreeze, Help, Restore }

public sealed record DeployCommand(string Service, string Version) : ReleaseCommand
{
    public override string Verb => "deploy";
    public override ReleaseAction Action => ReleaseAction.Deploy;
}

/// <param name="Service">Null: every service.</param>
public sealed record StatusCommand(string? Service) : ReleaseCommand
{
    public override string Verb => "status";
    public override ReleaseAction Action => ReleaseAction.Status;
}

public sealed record ApproveCommand(string Service) : RolloutCommand(Service)
{
    public override string Verb => "approve";
    public override ReleaseAction Action => ReleaseAction.Approve;
}

public sealed record RollbackCommand(string Service, string? Reason) : RolloutCommand(Service)
{
    public override string Verb => "rollback";
    public override ReleaseAction Action => ReleaseAction.Rollback;
}

/// <summary>Return orphaned canary traffic (the bot's weights on the route, no rollout) to stable. Refused while a
/// rollout is active (rollback it instead) or when the route already sends everything to stable.</summary>
public sealed record RestoreCommand(string Service, string? Reason) : ReleaseCommand
{
    public override string Verb => "restore";
    public override ReleaseAction Action => ReleaseAction.Restore;
}

public sealed record PauseCommand(string Service) : RolloutCommand(Service)
{
    public override string Verb => "pause";
    public override ReleaseAction Action => ReleaseAction.Pause;
}

public sealed record ResumeCommand(string Service) : RolloutCommand(Service)
{
    public override string Verb => "resume";
    public override ReleaseAction Action => ReleaseAction.Resume;
}

/// <summary>Skip the remaining steps and go to 100%.</summary>
public sealed record PromoteCommand(string Service) : RolloutCommand(Service)
{
    public override string Verb => "promote";
    public override ReleaseAction Action => ReleaseAction.Promote;
}

public sealed record AbortCommand(string Service) : RolloutCommand(Service)
{
    public override string Verb => "abort";
    public override ReleaseAction Action => ReleaseAction.Abort;
}

/// <param name="Count">How many rollouts, newest first. The default value is 10 (at most 100).</param>
public sealed record HistoryCommand(string Service, int Count) : ReleaseCommand
{
    public override string Verb => "history";
    public override ReleaseAction Action => ReleaseAction.History;
}

/// <param name="Service">Null: every service (<c>freeze all</c>).</param>
/// <param name="Duration">Null: until unfrozen.</param>
public sealed record FreezeCommand(string? Service, TimeSpan? Duration, string? Reason) : ReleaseCommand
{
    public override string Verb => "freeze";
    public override ReleaseAction Action => ReleaseAction.Freeze;
}

/// <param name="Service">Null: every service (<c>unfreeze all</c>).</param>
public sealed record UnfreezeCommand(string? Service) : ReleaseCommand
{
    public override string Verb => "unfreeze";
    public override ReleaseAction Action => ReleaseAction.Unfreeze;
}

/// <param name="Topic">A verb to explain, or null for the whole list.</param>
public sealed record HelpCommand(string? Topic) : ReleaseCommand
{
    public override string Verb => "help";
    public override ReleaseAction Action => ReleaseAction.Help;
}
