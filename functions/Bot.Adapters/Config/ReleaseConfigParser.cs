using System.Text.RegularExpressions;
using Bot.Core.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config;

/// <summary>The outcome of parsing one config: the config when there are no errors, else every error found.</summary>
public sealed record ConfigParseResult(ReleaseConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool Ok => Config is not null && Errors.Count == 0;
}

/// <summary>
/// Parses <c>.releasebot.yaml</c> into a <see cref="ReleaseConfig"/>. Reports every problem at once with file, line, field
/// path and fix; unknown keys are errors with a did-you-mean. Required: <c>service</c>, <c>namespace</c>, <c>route</c>
/// (<c>virtualService</c>, <c>name</c>); everything else has a documented default.
/// </summary>
public static partial class ReleaseConfigParser
{
    private static readonly string[] CoreKeys = ["service", "namespace", "cluster", "route", "steps"];
    private static readonly string[] RouteKeys = ["virtualService", "name", "destinationRule", "stableSubset", "canarySubset", "host"];
    private static readonly string[] StepKinds = ["setWeight", "pause", "approval", "promote", "headerRoute", "mirror", "setImage", "analysis", "fault"];
    private static readonly string[] ApprovalKeys = ["approvers", "count", "timeout", "onTimeout"];

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsName();

    [GeneratedRegex("^[a-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();

    public static ConfigParseResult ParseFile(string path) =>
        Parse(File.ReadAllText(path), path);

    /// <param name="yaml">The file's text.</param>
    /// <param name="file">Name used in errors and kept as <see cref="ReleaseConfig.Source"/>.</param>
    /// <param name="sections">Optional sections; the default is <see cref="ReleaseConfigSections.All"/>.</param>
    public static ConfigParseResult Parse(string yaml, string file, IReadOnlyList<IConfigSection>? sections = null)
    {
        sections ??= ReleaseConfigSections.All;
        var r = new ConfigReader(file);
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: "" or null })
            {
                r.Error(1, 1, "", "the file is empty", "start with service:, namespace: and route:");
                return new(null, r.Errors);
            }
            if (stream.Documents.Count > 1)
                r.Error(stream.Documents[1].RootNode, "", "more than one YAML document", "keep one service per file; split with one file each");
            if (stream.Documents[0].RootNode is not YamlMappingNode m)
            {
                r.Error(stream.Documents[0].RootNode, "", "expected a mapping at the top level", "start with service:, namespace: and route:");
                return new(null, r.Errors);
            }
            root = m;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            // YamlDotNet prefixes "(Line: x, Col: y, Idx: z) - (...): "; the position is reported separately.
            var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith('(') && cut > 0) message = message[(cut + 3)..];
            r.Error((int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {message}", "check indentation and quoting around this line");
            return new(null, r.Errors);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet fails this way on some malformed flow collections; find the last position it could read.
            var (line, column) = LastReadablePosition(yaml);
            r.Error(line, column, "", "invalid YAML: unexpected structure (an unclosed [ or {, or a misplaced key?)", "check indentation, brackets and quoting around this line");
            return new(null, r.Errors);
        }

        var known = CoreKeys.Concat(sections.Select(s => s.Key)).ToList();
        var top = r.Mapping(root, "", known) ?? new Dictionary<string, YamlNode>();

        var service = Required(r, root, top, "service", "add service: <name>, lowercase letters, digits and '-'");
        if (service is not null && !DnsLabel().IsMatch(service))
            r.Error(top["service"], "service", $"'{service}' is not a valid service name", "use lowercase letters, digits and '-', at most 63 characters, e.g. checkout-api");
        var ns = Required(r, root, top, "namespace", "add namespace: <Kubernetes namespace of the VirtualService>");
        if (ns is not null && !DnsLabel().IsMatch(ns))
            r.Error(top["namespace"], "namespace", $"'{ns}' is not a valid Kubernetes namespace", "use lowercase letters, digits and '-'");
        var cluster = top.TryGetValue("cluster", out var cn) ? r.String(cn, "cluster", "name a kubeconfig context, or remove the key to use the current one") : null;
        var route = top.TryGetValue("route", out var rn) ? ReadRoute(r, rn) : MissingRoute(r, root);

        IReadOnlyList<StepSpec>? steps = RolloutDefaults.Plan;
        var stepNodes = new List<YamlNode>();
        if (top.TryGetValue("steps", out var sn)) steps = ReadSteps(r, sn, stepNodes);

        var transforms = new List<Func<ReleaseConfig, ReleaseConfig>>();
        foreach (var section in sections)
            if (top.TryGetValue(section.Key, out var node) && section.Parse(node, r) is { } t)
                transforms.Add(t);

        var errorsSoFar = r.Errors.Count;
        // The plan's own order is checked whatever else is wrong, so a file shows all its errors at once.
        if (steps is not null) StepOrder(steps, stepNodes, r);
        if (service is null || ns is null || route is null || steps is null || errorsSoFar > 0)
            return new(null, Sorted(r));

        var config = new ReleaseConfig { Service = service, Namespace = ns, Cluster = cluster, Route = route, Steps = steps, Source = file };
        foreach (var t in transforms) config = t(config);

        var doc = new ConfigDocument(root, top, stepNodes);
        CrossCheck(config, doc, r);
        foreach (var section in sections) section.Validate(config, doc, r);
        return r.Errors.Count > 0 ? new(null, Sorted(r)) : new(config, []);
    }

    private static (int Line, int Column) LastReadablePosition(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var last = Mark.Empty;
        try
        {
            while (parser.MoveNext()) last = parser.Current!.End;
        }
        catch (YamlException e) { return ((int)e.Start.Line, (int)e.Start.Column); }
        catch (InvalidOperationException) { }
        return ((int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column));
    }

    private static IReadOnlyList<ConfigError> Sorted(ConfigReader r) =>
        r.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();

    private static string? Required(ConfigReader r, YamlNode parent, IReadOnlyDictionary<string, YamlNode> map, string key, string fix)
    {
        if (map.TryGetValue(key, out var n)) return r.String(n, key, fix);
        r.Error(parent, key, "is required", fix);
        return null;
    }

    private static RouteSpec? MissingRoute(ConfigReader r, YamlNode root)
    {
        r.Error(root, "route", "is required", "add route: {virtualService: <name>, name: <HTTP route name>}");
        return null;
    }

    private static RouteSpec? ReadRoute(ConfigReader r, YamlNode node)
    {
        if (r.Mapping(node, "route", RouteKeys) is not { } m) return null;
        var before = r.Errors.Count;
        string? Get(string key, string fix, bool required)
        {
            if (m.TryGetValue(key, out var n))
            {
                var v = r.String(n, $"route.{key}", fix);
                if (v is not null && !DnsName().IsMatch(v) && key != "name")
                    r.Error(n, $"route.{key}", $"'{v}' is not a valid Kubernetes name", "use lowercase letters, digits, '-' and '.'");
                return v;
            }
            if (required) r.Error(node, $"route.{key}", "is required", fix);
            return null;
        }
        var vs = Get("virtualService", "add virtualService: <name of the VirtualService>", true);
        var name = Get("name", "add name: <name of the HTTP route whose weights the bot sets>", true);
        var dr = Get("destinationRule", "name the DestinationRule that defines the subsets", false);
        var stable = Get("stableSubset", "name the stable subset, or remove the key for 'stable'", false);
        var canary = Get("canarySubset", "name the canary subset, or remove the key for 'canary'", false);
        var host = m.TryGetValue("host", out var h) ? r.String(h, "route.host", "give the destination host, or remove the key to match destinations by subset alone") : null;
        if (stable is not null && stable == (canary ?? "canary"))
            r.Error(m["stableSubset"], "route.stableSubset", "stable and canary subsets are the same", "name two different subsets of the DestinationRule");
        if (r.Errors.Count > before || vs is null || name is null) return null;
        return new RouteSpec
        {
            VirtualService = vs, RouteName = name, DestinationRule = dr ?? vs, StableSubset = stable ?? "stable", CanarySubset = canary ?? "canary", Host = host,
        };
    }

    private static IReadOnlyList<StepSpec>? ReadSteps(ConfigReader r, YamlNode node, List<YamlNode> stepNodes)
    {
        if (node is not YamlSequenceNode seq)
        {
            r.Error(node, "steps", "expected a list of steps", "write each step as '- setWeight: 10', '- pause: 10m', '- approval: {}', '- promote: {}'");
            return null;
        }
        if (seq.Children.Count == 0)
        {
            r.Error(node, "steps", "is empty", "list at least one step, or remove steps: to use the default plan");
            return null;
        }
        var steps = new List<StepSpec>();
        var ok = true;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            stepNodes.Add(seq.Children[i]);
            if (ReadStep(r, seq.Children[i], $"steps[{i}]") is { } s) steps.Add(s);
            else ok = false;
        }
        return ok ? steps : null;
    }

    private static StepSpec? ReadStep(ConfigReader r, YamlNode item, string path)
    {
        string kind;
        YamlNode value;
        switch (item)
        {
            case YamlScalarNode { Value: "promote" or "setImage" } bare:
                (kind, value) = (bare.Value!, new YamlMappingNode());
                break;
            case YamlMappingNode { Children.Count: 2 } two when two.Children.Any(c => (c.Key as YamlScalarNode)?.Value == Scheduling.StepSchedule.Key):
                // "- setWeight: 50" with "at: <cron>" beside it: the step waits for that slot (Adapters/Scheduling).
                var atEntry = two.Children.First(c => (c.Key as YamlScalarNode)?.Value == Scheduling.StepSchedule.Key);
                var inner = ReadStep(r, new YamlMappingNode(two.Children.Where(c => c.Key != atEntry.Key)), path);
                var cron = Scheduling.StepSchedule.Read(r, atEntry.Value, $"{path}.at");
                return inner is null || cron is null ? null : inner with { At = cron };
            case YamlMappingNode { Children.Count: 1 } one:
                var (k, v) = one.Children.First();
                kind = (k as YamlScalarNode)?.Value ?? "";
                value = v;
                if (!StepKinds.Contains(kind))
                {
                    var hint = Core.Text.Suggestions.Closest(kind, StepKinds) is { } s ? $"did you mean '{s}'?" : $"use one of {string.Join(", ", StepKinds)}";
                    r.Error(k, $"{path}.{kind}", "unknown step", hint);
                    return null;
                }
                break;
            default:
                r.Error(item, path, "a step is one key, e.g. '- setWeight: 10'", $"use one of {string.Join(", ", StepKinds)}, one per list item");
                return null;
        }

        var at = $"{path}.{kind}";
        switch (kind)
        {
            case "setWeight":
                return r.Int(value, at, 0, 100, "use a percentage 0-100") is { } w ? new SetWeightStep(w) : null;

            case "pause":
                if (value is YamlMappingNode pm)
                {
                    if (r.Mapping(pm, at, ["duration"]) is not { } pmap) return null;
                    if (!pmap.TryGetValue("duration", out var dn)) return new PauseStep(null);
                    return r.Duration(dn, $"{at}.duration") is { } pd ? new PauseStep(pd) : null;
                }
                return r.Duration(value, at) is { } d ? new PauseStep(d) : null;

            case "approval":
            {
                if (r.Mapping(value, at, ApprovalKeys) is not { } m) return null;
                var before = r.Errors.Count;
                var step = new ApprovalStep();
                if (m.TryGetValue("approvers", out var an) && r.StringList(an, $"{at}.approvers", "list Slack user IDs (U…), @group handles or GitHub logins") is { } who)
                    step = step with { Approvers = who };
                if (m.TryGetValue("count", out var cn) && r.Int(cn, $"{at}.count", 1, 20, "ask for 1 to 20 distinct approvals") is { } count)
                    step = step with { Count = count };
                if (m.TryGetValue("timeout", out var tn) && r.Duration(tn, $"{at}.timeout") is { } timeout)
                    step = step with { Timeout = timeout };
                if (m.TryGetValue("onTimeout", out var on) && r.Enum<TimeoutAction>(on, $"{at}.onTimeout") is { } action)
                    step = step with { OnTimeout = action };
                if (m.ContainsKey("onTimeout") && !m.ContainsKey("timeout"))
                    r.Error(m["onTimeout"], $"{at}.onTimeout", "has no effect without a timeout", "add timeout: (e.g. 1h), or remove onTimeout");
                if (step.Approvers.Count > 0 && step.Approvers.All(a => !a.StartsWith('@')) && step.Count > step.Approvers.Count)
                    r.Error(m["count"], $"{at}.count", $"{step.Count} approvals needed but only {step.Approvers.Count} approver(s) listed",
                        "lower count or list more approvers (or an @group)");
                return r.Errors.Count > before ? null : step;
            }

            case "promote":
                return r.Mapping(value, at, []) is null ? null : new PromoteStep();

            case "setImage":
                return r.Mapping(value, at, []) is null ? null : new SetImageStep();

            case "headerRoute":
            {
                if (r.Mapping(value, at, ["header", "value"]) is not { } m) return null;
                var before = r.Errors.Count;
                string? Req(string key, string fix)
                {
                    if (m.TryGetValue(key, out var n)) return r.String(n, $"{at}.{key}", fix);
                    r.Error(value, $"{at}.{key}", "is required", fix);
                    return null;
                }
                var header = Req("header", "name the request header, e.g. x-canary");
                var val = Req("value", "give the exact header value that selects the canary");
                if (header is not null && !HeaderName().IsMatch(header))
                    r.Error(m["header"], $"{at}.header", $"'{header}' is not a lowercase HTTP header name", "write it in lowercase, e.g. x-canary (Istio matches lowercase names)");
                return r.Errors.Count > before ? null : new HeaderRouteStep(header!, val!);
            }

            case "analysis":
                if (value is YamlMappingNode am)
                {
                    if (r.Mapping(am, at, ["duration"]) is not { } amap) return null;
                    if (!amap.TryGetValue("duration", out var adn))
                    {
                        r.Error(value, $"{at}.duration", "is required", "write how long the analysis runs, e.g. analysis: {duration: 10m}");
                        return null;
                    }
                    return r.Duration(adn, $"{at}.duration") is { } ad ? new AnalyzeStep(ad) : null;
                }
                return r.Duration(value, at) is { } ads ? new AnalyzeStep(ads) : null;

            case "fault":
                return ReadFault(r, value, at);

            default: // mirror
                return r.Number(value, at, 0, 100, "use a percentage 0-100") is { } p ? new MirrorStep(p) : null;
        }
    }

    /// <summary><c>fault: {abort: {percent: 50, httpStatus: 503}, delay: {percent: 20, fixedDelay: 2s}}</c>, as Istio's HTTPFaultInjection.</summary>
    private static FaultStep? ReadFault(ConfigReader r, YamlNode value, string at)
    {
        if (r.Mapping(value, at, ["abort", "delay"]) is not { } m) return null;
        var before = r.Errors.Count;
        if (m.Count == 0) r.Error(value, at, "needs abort or delay", "write fault: {abort: {percent: 50, httpStatus: 503}} or fault: {delay: {percent: 20, fixedDelay: 2s}}");
        double? Percent(IReadOnlyDictionary<string, YamlNode> part, YamlNode node, string path)
        {
            if (part.TryGetValue("percent", out var pn)) return r.Number(pn, $"{path}.percent", 0, 100, "write the share of requests in percent, e.g. 50");
            r.Error(node, $"{path}.percent", "is required", "write the share of requests in percent, e.g. 50");
            return null;
        }
        FaultAbort? abort = null;
        if (m.TryGetValue("abort", out var an) && r.Mapping(an, $"{at}.abort", ["percent", "httpStatus"]) is { } am)
        {
            var percent = Percent(am, an, $"{at}.abort");
            int? status = null;
            if (am.TryGetValue("httpStatus", out var sn)) status = r.Int(sn, $"{at}.abort.httpStatus", 200, 599, "write an HTTP status such as 503");
            else r.Error(an, $"{at}.abort.httpStatus", "is required", "write the status the aborted requests get, e.g. 503");
            if (percent is { } p && status is { } st) abort = new FaultAbort(p, st);
        }
        FaultDelay? delay = null;
        if (m.TryGetValue("delay", out var dn) && r.Mapping(dn, $"{at}.delay", ["percent", "fixedDelay"]) is { } dm)
        {
            var percent = Percent(dm, dn, $"{at}.delay");
            TimeSpan? fixedDelay = null;
            if (!dm.TryGetValue("fixedDelay", out var fn)) r.Error(dn, $"{at}.delay.fixedDelay", "is required", "write the delay, e.g. 2s or 500ms");
            else if (fn is YamlScalarNode { Value: { } text } && text.EndsWith("ms", StringComparison.Ordinal)
                     && int.TryParse(text[..^2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms))
            {
                if (ms < 1) r.Error(fn, $"{at}.delay.fixedDelay", "must be at least 1ms", "write the delay, e.g. 2s or 500ms");
                else fixedDelay = TimeSpan.FromMilliseconds(ms);
            }
            else fixedDelay = r.Duration(fn, $"{at}.delay.fixedDelay");
            if (percent is { } p && fixedDelay is { } fd) delay = new FaultDelay(p, fd);
        }
        return r.Errors.Count > before ? null : new FaultStep(abort, delay);
    }

    private static void CrossCheck(ReleaseConfig c, ConfigDocument doc, ConfigReader r)
    {
        // Every plan ends in a promote (its promote step, or one after the last step). Without deployments it cannot move the
        // stable Deployment to the new version, and the next rollout would send its stable share to the old one.
        if (c.Deployments is null && !c.Steps.Any(s => s is SetImageStep))
        {
            var promote = c.Steps.ToList().FindIndex(s => s is PromoteStep);
            r.Error(promote >= 0 && promote < doc.StepNodes.Count ? doc.StepNodes[promote] : doc.Root, "deployments",
                "is required: promote (the promote step, or the one after the last step) moves the stable Deployment to the new version before traffic returns to stable",
                "add deployments: {canary: <canary Deployment>, stable: <stable Deployment>, image: <registry/name>:{version}}");
        }
        for (var i = 0; i < c.Steps.Count; i++)
        {
            var node = i < doc.StepNodes.Count ? doc.StepNodes[i] : doc.Root;
            if (c.Steps[i] is SetImageStep && c.Deployments is null)
                r.Error(node, $"steps[{i}].setImage", "needs a deployments section", "add deployments: {canary, stable, image}, or remove the setImage step");
            if (c.Steps[i] is AnalyzeStep && c.Analysis is null)
                r.Error(node, $"steps[{i}].analysis", "needs the analysis section", "add analysis: {prometheus: {url: ...}, metrics: [...]}, or remove the analysis step");
            if (c.Steps[i] is FaultStep && c.Analysis is null)
                r.Error(node, $"steps[{i}].fault", "needs the analysis section: a fire drill without analysis has no safety net to prove",
                    "add analysis: {prometheus: {url: ...}, metrics: [...]}, or remove the fault step");
        }
    }

    private static void StepOrder(IReadOnlyList<StepSpec> steps, IReadOnlyList<YamlNode> nodes, ConfigReader r)
    {
        for (var i = 0; i < steps.Count - 1; i++)
            if (steps[i] is PromoteStep && i + 1 < nodes.Count)
                r.Error(nodes[i + 1], $"steps[{i + 1}]", "comes after promote and would never run", "make promote the last step");
    }
}
