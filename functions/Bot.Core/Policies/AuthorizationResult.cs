namespace Bot.Core.Policies;

/// <summary>The answer of <see cref="Authorizer"/>. <see cref="Message"/> names who may act, for the refusal reply.</summary>
/// <param name="Allowed">Whether the actor may do it.</param>
/// <param name="Message">E.g. "ann may not approve checkout; approvers of checkout: @sre, U123".</param>
/// <param name="Principals">Who may act (user IDs, logins, @groups); empty when anyone may.</param>
public sealed record AuthorizationResult(bool Allowed, string Message, IReadOnlyList<string> Principals);
