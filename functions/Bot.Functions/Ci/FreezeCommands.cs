using Bot.Adapters.Scheduling;
using Bot.Core.Calendar;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Functions.Ci;

/// <summary>
/// The grammar's <c>freeze</c> and <c>unfreeze</c> for chat surfaces (Slack, GitHub comments): runs the parsed command
/// through <see cref="FreezeService"/> and answers with one line. Callers authorize first (who may freeze is theirs
/// to decide); the service name was already checked by the parser against the known services.
/// </summary>
public static class FreezeCommands
{
    public static async Task<string> RunAsync(FreezeService freezes, ReleaseCommand command, Actor by, CancellationToken ct)
    {
        switch (command)
        {
            case FreezeCommand f:
                var freeze = await freezes.FreezeAsync(f.Service ?? Freeze.AllServices, f.Duration, f.Reason, by, ct);
                return $"{Capitalized(freeze.Describe())}. Steps that raise traffic or promote wait; rollback and pause still work."
                    + (freeze.Until is null ? $" Lift it with `unfreeze {freeze.Scope}`." : "");
            case UnfreezeCommand u:
                var scope = u.Service ?? Freeze.AllServices;
                return await freezes.UnfreezeAsync(scope, ct) is { } was
                    ? $"Unfrozen {scope} (was {was.Describe()}). Held steps run within a minute."
                    : $"{scope} is not frozen; nothing changed.";
            default:
                throw new ArgumentException($"not a freeze command: {command.Verb}", nameof(command));
        }
    }

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
