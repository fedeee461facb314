using Bot.Core.Rollouts;

namespace Bot.Core.Commands;

/// <summary>
/// The rollout a command was bound to when its delivery was accepted (at intake, before it was queued): the service's
/// active rollout then, with its revision and step, or none. Work that is retried later acts on that rollout or does
/// nothing, so a command never lands on a rollout that started after it was sent.
/// </summary>
/// <param name="Service">The service the command acts on.</param>
/// <param name="RolloutId">The rollout active at intake; null when none was.</param>
/// <param name="Revision">Its revision at intake (approvals are bound to it).</param>
/// <param name="StepIndex">Its step at intake (approvals are bound to it).</param>
public sealed record CommandBinding(string Service, string? RolloutId, int? Revision = null, int? StepIndex = null)
{
    /// <summary>What <paramref name="active"/> (the service's active rollout at intake, or null) binds a command on <paramref name="service"/> to.</summary>
    public static CommandBinding To(string service, RolloutState? active) => new(service, active?.Id, active?.Revision, active?.StepIndex);

    /// <summary>The binding when the intake could not read the state (the service was only known later): the active
    /// rollout if it started at or before <paramref name="acceptedAt"/>, else none (it started after the command).</summary>
    public static CommandBinding AsOf(string service, RolloutState active, DateTimeOffset acceptedAt) =>
        To(service, active.CreatedAt <= acceptedAt ? active : null);

    /// <summary>The binding a parsed command needs at intake: the service to read for a <see cref="RolloutCommand"/> that
    /// names no rollout; null for commands that act on no rollout or name their rollout themselves.</summary>
    public static string? ServiceToBind(ReleaseCommand command) =>
        command is RolloutCommand { RolloutId: null } rc ? rc.Service : null;

    /// <summary>The binding of a button (Slack, check run) shown for <paramref name="rolloutId"/> at that revision and step;
    /// the service is the id's prefix (rollout ids are <c>{service}-{n}</c>).</summary>
    public static CommandBinding ForRollout(string rolloutId, int? revision, int? stepIndex) =>
        new(ServiceOf(rolloutId), rolloutId, revision, stepIndex);

    /// <summary>The service of a rollout id <c>{service}-{n}</c> (<c>checkout-api-12</c>: <c>checkout-api</c>); an id of
    /// another form is taken as it is (no such service: the pipeline answers 404).</summary>
    public static string ServiceOf(string rolloutId) => RolloutIds.ServiceOf(rolloutId) ?? rolloutId;
}
