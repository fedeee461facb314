using System.Globalization;
using Bot.Adapters.Config;
using Bot.Core.Calendar;
using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Scheduling;

/// <summary>
/// <c>window: {timeZone: Europe/Berlin, ranges: ["Mon-Thu 09:00-18:00"], blackouts: ["2026-12-24"]}</c>: when steps
/// that raise canary traffic or promote may run. Each bad value is reported at its own line.
/// </summary>
public sealed class WindowSection : IConfigSection
{
    private static readonly string[] Keys = ["timeZone", "ranges", "blackouts"];

    public string Key => "window";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        var before = r.Errors.Count;
        var window = new DeployWindow();
        if (m.TryGetValue("timeZone", out var tz) && r.String(tz, "window.timeZone", "use an IANA time zone such as Europe/Berlin or America/New_York") is { } id)
        {
            try
            {
                DeployWindow.FindZone(id);
                window = window with { TimeZone = id };
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                r.Error(tz, "window.timeZone", $"unknown time zone '{id}'", "use an IANA id such as Europe/Berlin, America/New_York or UTC");
            }
        }
        if (m.TryGetValue("ranges", out var rn) && Items(r, rn, "window.ranges", "list weekly ranges, e.g. [\"Mon-Thu 09:00-18:00\"]") is { } ranges)
        {
            var list = new List<WeeklyRange>();
            for (var i = 0; i < ranges.Count; i++)
            {
                if (WindowText.TryParseRange((ranges[i] as YamlScalarNode)?.Value, out var range, out var error)) list.Add(range!);
                else r.Error(ranges[i], $"window.ranges[{i}]", error!);
            }
            window = window with { Ranges = list };
        }
        if (m.TryGetValue("blackouts", out var bn) && Items(r, bn, "window.blackouts", "list dates as YYYY-MM-DD, e.g. [\"2026-12-24\"]") is { } dates)
        {
            var list = new List<DateOnly>();
            for (var i = 0; i < dates.Count; i++)
            {
                if (DateOnly.TryParseExact((dates[i] as YamlScalarNode)?.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) list.Add(d);
                else r.Error(dates[i], $"window.blackouts[{i}]", $"'{(dates[i] as YamlScalarNode)?.Value}' is not a date", "write YYYY-MM-DD, e.g. 2026-12-24 (local to window.timeZone)");
            }
            window = window with { Blackouts = list };
        }
        if (r.Errors.Count > before) return null;
        var done = window;
        return cfg => cfg with { Window = done };
    }

    private static IReadOnlyList<YamlNode>? Items(ConfigReader r, YamlNode node, string path, string fix)
    {
        if (node is YamlSequenceNode seq) return [.. seq.Children];
        if (node is YamlScalarNode { Value.Length: > 0 }) return [node];
        r.Error(node, path, "expected a list", fix);
        return null;
    }
}
