using Bot.Adapters.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Scheduling;

/// <summary>Reads a step's <c>at:</c> (NCRONTAB, 6 fields), reporting a bad expression at its line.</summary>
public static class StepSchedule
{
    public const string Key = "at";

    public static string? Read(ConfigReader r, YamlNode node, string path)
    {
        if (r.String(node, path, "write a 6-field NCRONTAB expression, e.g. \"0 0 9 * * 1-5\" (09:00 Monday to Friday)") is not { } expression) return null;
        if (NCrontabEvaluator.Instance.Validate(expression) is { } error)
        {
            r.Error(node, path, error);
            return null;
        }
        return expression;
    }
}
