using Bot.Core.Ports;
using System.Text.Json;
using Bot.Adapters.Scheduling;
using Bot.Core.Calendar;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Core.Freezes;
using Bot.Adapters.Freezes;

namespace Bot.Functions.Freezes;

/// <summary>A freeze as the API shows it.</summary>
public sealed record FreezeView(string Scope, string Reason, string By, string Surface, DateTimeOffset At, DateTimeOffset? Until, string Text)
{
    public static FreezeView From(Freeze f) => new(f.Scope, f.Reason, f.By.Name, f.By.Surface, f.At, f.Until, f.Describe());
}
