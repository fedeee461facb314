using System.Globalization;

namespace Bot.Adapters.Slack;

/// <summary>
/// What a button is bound to: the rollout, its revision and the step it was shown for, carried in the button's
/// <c>value</c> as <c>rolloutId|revision|step</c>. A click whose binding no longer matches the rollout is stale.
/// </summary>
public sealed record SlackActionValue(string RolloutId, int Revision, int StepIndex)
{
    public const string Approve = "approve";
    public const string Rollback = "rollback";
    public const string Pause = "pause";
    public const string Resume = "resume";

    public static readonly IReadOnlySet<string> KnownActions = new HashSet<string>([Approve, Rollback, Pause, Resume]);

    public string Encode() => string.Create(CultureInfo.InvariantCulture, $"{RolloutId}|{Revision}|{StepIndex}");

    public static bool TryParse(string? value, out SlackActionValue parsed)
    {
        parsed = null!;
        var parts = value?.Split('|');
        if (parts is not { Length: 3 } || parts[0].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var step)) return false;
        parsed = new SlackActionValue(parts[0], revision, step);
        return true;
    }
}
