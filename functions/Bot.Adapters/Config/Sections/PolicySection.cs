using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary><c>policy: {distinctApprover: true, onNewRevision: supersede|queue|reject, onFreeze: queue|reject}</c>.</summary>
public sealed class PolicySection : IConfigSection
{
    private static readonly string[] Keys = ["distinctApprover", "onNewRevision", "onFreeze"];

    public string Key => "policy";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        var policy = new RolloutPolicy();
        var ok = true;
        if (m.TryGetValue("distinctApprover", out var d))
        {
            if (r.Bool(d, "policy.distinctApprover") is { } b) policy = policy with { DistinctApprover = b };
            else ok = false;
        }
        if (m.TryGetValue("onNewRevision", out var n))
        {
            if (r.Enum<NewRevisionPolicy>(n, "policy.onNewRevision") is { } p) policy = policy with { OnNewRevision = p };
            else ok = false;
        }
        if (m.TryGetValue("onFreeze", out var f))
        {
            if (r.Enum<Core.Freezes.FreezePolicy>(f, "policy.onFreeze") is { } p) policy = policy with { OnFreeze = p };
            else ok = false;
        }
        return ok ? cfg => cfg with { Policy = policy } : null;
    }
}
