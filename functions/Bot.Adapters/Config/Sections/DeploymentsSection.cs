using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary><c>deployments: {canary, stable, container, image, scaleDownCanary}</c>.</summary>
public sealed class DeploymentsSection : IConfigSection
{
    private static readonly string[] Keys = ["canary", "stable", "container", "image", "scaleDownCanary"];

    public string Key => "deployments";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        var before = r.Errors.Count;
        string? Req(string key, string fix)
        {
            if (m.TryGetValue(key, out var n)) return r.String(n, $"{Key}.{key}", fix);
            r.Error(node, $"{Key}.{key}", "is required", fix);
            return null;
        }
        var canary = Req("canary", "add canary: <name of the canary Deployment>");
        var stable = Req("stable", "add stable: <name of the stable Deployment>");
        var image = Req("image", "add image: <registry/repo>:{version}, e.g. registry.example.com/checkout:{version}");
        if (image is not null && !image.Contains("{version}", StringComparison.Ordinal))
            r.Error(m["image"], $"{Key}.image", $"'{image}' has no {{version}} placeholder", "write the image as a template, e.g. registry.example.com/checkout:{version}");
        var container = m.TryGetValue("container", out var c) ? r.String(c, $"{Key}.container", "name the container, or remove the key to use the first one") : null;
        var scale = m.TryGetValue("scaleDownCanary", out var s) ? r.Bool(s, $"{Key}.scaleDownCanary") : false;
        if (r.Errors.Count > before) return null;
        var spec = new DeploymentSpec { Canary = canary!, Stable = stable!, ImageTemplate = image!, Container = container, ScaleDownCanary = scale ?? false };
        return cfg => cfg with { Deployments = spec };
    }
}
