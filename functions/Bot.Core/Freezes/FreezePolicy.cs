using Bot.Core.Calendar;
namespace Bot.Core.Freezes;

/// <summary>What a start request does while its service is frozen.</summary>
public enum FreezePolicy
{
    /// <summary>The rollout is created and waits before its first gated step until the freeze lifts. The default.</summary>
    Queue,
    /// <summary>The start is refused (409) with the freeze reason.</summary>
    Reject,
}
