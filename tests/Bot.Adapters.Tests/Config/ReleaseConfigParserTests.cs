using Bot.Adapters.Config;
using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Tests.Config;

public class ReleaseConfigParserTests
{
    internal const string Complete = """
        service: checkout
        namespace: shop
        cluster: prod-west
        route:
          virtualService: checkout
          name: primary
          destinationRule: checkout-dr
          stableSubset: v-stable
          canarySubset: v-canary
          host: checkout.shop.svc.cluster.local
        deployments:
          canary: checkout-canary
          stable: checkout
          container: app
          image: registry.example.com/checkout:{version}
          scaleDownCanary: true
        steps:
          - setImage: {}
          - headerRoute: {header: x-canary, value: always}
          - mirror: 20
          - setWeight: 10
          - pause: 10m
          - approval:
              approvers: ["@sre", U0123ABCD]
              count: 2
              timeout: 1h
              onTimeout: hold
          - setWeight: 50
          - pause: {}
          - promote: {}
        policy:
          distinctApprover: false
          onNewRevision: queue
        chat:
          channel: C0123ABCD
        github:
          repo: acme/checkout
        deployers: ["@payments-team", octocat]
        approvers: ["@sre"]
        """;

    private const string Deployments = "deployments: {canary: checkout-canary, stable: checkout, image: \"registry.example.com/checkout:{version}\"}\n";

    private static ConfigParseResult Parse(string yaml) => ReleaseConfigParser.Parse(yaml, "checkout.yaml");

    private static string[] Errors(string yaml) => Parse(yaml).Errors.Select(e => e.ToString()).ToArray();

    [Fact]
    public void Parse_CompleteExample_ReadsEveryField()
    {
        var r = Parse(Complete);

        Assert.Empty(r.Errors);
        var c = r.Config!;
        Assert.Equal(("checkout", "shop", "prod-west", "checkout.yaml"), (c.Service, c.Namespace, c.Cluster, c.Source));
        Assert.Equal(new RouteSpec
        {
            VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout-dr", StableSubset = "v-stable", CanarySubset = "v-canary",
            Host = "checkout.shop.svc.cluster.local",
        }, c.Route);
        Assert.Equal(new DeploymentSpec
        {
            Canary = "checkout-canary", Stable = "checkout", Container = "app", ImageTemplate = "registry.example.com/checkout:{version}", ScaleDownCanary = true,
        }, c.Deployments);
        Assert.Equal(["setImage", "headerRoute x-canary=always", "mirror 20%", "setWeight 10", "pause 10m", "approval (2, 1h timeout)", "setWeight 50",
            "pause (until resumed)", "promote"], c.Steps.Select(s => s.Describe()));
        var approval = c.Steps.OfType<ApprovalStep>().Single();
        Assert.Equal(["@sre", "U0123ABCD"], approval.Approvers);
        Assert.Equal(TimeoutAction.Hold, approval.OnTimeout);
        Assert.Equal(new RolloutPolicy { DistinctApprover = false, OnNewRevision = NewRevisionPolicy.Queue }, c.Policy);
        Assert.Equal(("C0123ABCD", "acme/checkout"), (c.ChatChannel, c.GitHubRepo));
        Assert.Equal(["@payments-team", "octocat"], c.Deployers);
        Assert.Equal(["@sre"], c.Approvers);
    }

    [Fact]
    public void Parse_Minimal_AppliesDocumentedDefaults()
    {
        var c = Parse("""
            service: checkout
            namespace: shop
            route: {virtualService: checkout, name: primary}
            deployments: {canary: checkout-canary, stable: checkout, image: "registry.example.com/checkout:{version}"}
            """).Config!;

        Assert.Equal(RolloutDefaults.Plan.Select(s => s.Describe()), c.Steps.Select(s => s.Describe()));
        Assert.Equal(("checkout", "stable", "canary", null), (c.Route.DestinationRule, c.Route.StableSubset, c.Route.CanarySubset, c.Route.Host));
        Assert.Equal(new RolloutPolicy { DistinctApprover = true, OnNewRevision = NewRevisionPolicy.Supersede }, c.Policy);
        Assert.Equal((null, false), (c.Deployments!.Container, c.Deployments.ScaleDownCanary));
        Assert.Empty(c.Approvers);
    }

    [Theory]
    [InlineData("", "checkout.yaml:1")]
    [InlineData("steps:\n  - setWeight: 10\n  - promote: {}\n", "checkout.yaml:6")]
    public void Parse_NoDeployments_RefusedBecausePromoteCouldNotMoveStable(string steps, string where)
    {
        var errors = Errors("service: checkout\nnamespace: shop\nroute: {virtualService: checkout, name: primary}\n" + steps);

        Assert.Equal([$"{where}: deployments: is required: promote (the promote step, or the one after the last step) moves the stable Deployment "
            + "to the new version before traffic returns to stable; add deployments: {canary: <canary Deployment>, stable: <stable Deployment>, "
            + "image: <registry/name>:{version}}"], errors);
    }

    [Fact]
    public void Parse_WeightOutOfRange_NamesFileLineFieldAndFix()
    {
        var errors = Errors("""
            service: checkout
            namespace: shop
            route: {virtualService: checkout, name: primary}
            steps:
              - setWeight: 10
              - approval: {}
              - setWeight: 150
              - promote: {}
            """);
        Assert.Equal(["checkout.yaml:7: steps[2].setWeight: 150 is out of range 0-100; use a percentage 0-100"], errors);
    }

    [Fact]
    public void Parse_UnknownKeys_ErrorsWithDidYouMean()
    {
        var errors = Errors("""
            service: checkout
            namespace: shop
            route: {virtualservice: checkout, name: primary}
            polcy: {onNewRevision: queue}
            steps:
              - setweight: 10
              - approval: {aprovers: [U1]}
            """);
        Assert.Equal(
        [
            "checkout.yaml:3: route.virtualService: is required; add virtualService: <name of the VirtualService>",
            "checkout.yaml:3: route.virtualservice: unknown key; did you mean 'virtualService'?",
            "checkout.yaml:4: polcy: unknown key; did you mean 'policy'?",
            "checkout.yaml:6: steps[0].setweight: unknown step; did you mean 'setWeight'?",
            "checkout.yaml:7: steps[1].approval.aprovers: unknown key; did you mean 'approvers'?",
        ], errors);
    }

    [Fact]
    public void Parse_ManyProblems_ReportsAllAtOnceInLineOrder()
    {
        var errors = Errors("""
            service: Checkout_API
            route: {virtualService: checkout, name: primary, stableSubset: canary}
            steps:
              - pause: 10 minutes
              - approval: {count: 0, onTimeout: rollbak, timeout: 1h}
              - mirror: 120
              - headerRoute: {header: X-Canary}
              - setImage: {}
              - promote: {}
              - setWeight: 100
            policy: {onNewRevision: replace, distinctApprover: maybe}
            chat: {channel: "#releases"}
            github: {repo: checkout}
            """);
        Assert.Equal(
        [
            "checkout.yaml:1: namespace: is required; add namespace: <Kubernetes namespace of the VirtualService>",
            "checkout.yaml:1: service: 'Checkout_API' is not a valid service name; use lowercase letters, digits and '-', at most 63 characters, e.g. checkout-api",
            "checkout.yaml:2: route.stableSubset: stable and canary subsets are the same; name two different subsets of the DestinationRule",
            "checkout.yaml:4: steps[0].pause: '10 minutes' is not a duration; write it like 30s, 10m, 2h, 1d or 1h30m",
            "checkout.yaml:5: steps[1].approval.count: 0 is out of range 1-20; ask for 1 to 20 distinct approvals",
            "checkout.yaml:5: steps[1].approval.onTimeout: 'rollbak' is not one of rollback, hold; did you mean 'rollback'? use one of rollback|hold",
            "checkout.yaml:6: steps[2].mirror: 120 is out of range 0-100; use a percentage 0-100",
            "checkout.yaml:7: steps[3].headerRoute.value: is required; give the exact header value that selects the canary",
            "checkout.yaml:7: steps[3].headerRoute.header: 'X-Canary' is not a lowercase HTTP header name; write it in lowercase, e.g. x-canary (Istio matches lowercase names)",
            "checkout.yaml:11: policy.onNewRevision: 'replace' is not one of supersede, queue, reject; use one of supersede|queue|reject",
            "checkout.yaml:11: policy.distinctApprover: 'maybe' is not true or false; write true or false",
            "checkout.yaml:12: chat.channel: '#releases' is not a Slack channel ID; use the channel ID (C…), shown in Slack under the channel's details, not its #name",
            "checkout.yaml:13: github.repo: 'checkout' is not owner/name; write the repository as owner/name, e.g. acme/checkout",
        ], errors);
    }

    [Fact]
    public void Parse_CrossChecks_SetImageNeedsDeploymentsAndPromoteIsLast()
    {
        var errors = Errors("""
            service: checkout
            namespace: shop
            route: {virtualService: checkout, name: primary}
            steps:
              - setImage: {}
              - promote: {}
              - setWeight: 100
            """);
        Assert.Equal(
        [
            "checkout.yaml:5: steps[0].setImage: needs a deployments section; add deployments: {canary, stable, image}, or remove the setImage step",
            "checkout.yaml:7: steps[2]: comes after promote and would never run; make promote the last step",
        ], errors);
    }

    [Fact]
    public void Parse_MisplacedPromote_IsReportedWithTheFilesOtherErrors()
    {
        var errors = Errors("""
            service: checkout
            namespace: shop
            route: {virtualService: checkout, name: primary}
            polcy: {onNewRevision: queue}
            steps:
              - promote: {}
              - setWeight: 100
            """);
        Assert.Equal(
        [
            "checkout.yaml:4: polcy: unknown key; did you mean 'policy'?",
            "checkout.yaml:7: steps[1]: comes after promote and would never run; make promote the last step",
        ], errors);
    }

    [Theory]
    [InlineData("- pause: 10m", "pause 10m")]
    [InlineData("- pause: {}", "pause (until resumed)")]
    [InlineData("- pause: {duration: 1h30m}", "pause 1h30m")]
    [InlineData("- promote", "promote")]
    [InlineData("- mirror: 12.5", "mirror 12.5%")]
    [InlineData("- approval: {approvers: U1, timeout: 2h}", "approval (1, 2h timeout)")]
    public void Parse_StepForms_Accepted(string step, string described)
    {
        var r = Parse($"service: checkout\nnamespace: shop\nroute: {{virtualService: checkout, name: primary}}\nsteps:\n  {step}\n" + Deployments);
        Assert.Empty(r.Errors);
        Assert.Equal(described, r.Config!.Steps[0].Describe());
    }

    [Fact]
    public void Parse_ApprovalCountAboveListedPeople_Error() =>
        Assert.Equal(["checkout.yaml:5: steps[0].approval.count: 3 approvals needed but only 2 approver(s) listed; lower count or list more approvers (or an @group)"],
            Errors("service: checkout\nnamespace: shop\nroute: {virtualService: checkout, name: primary}\nsteps:\n  - approval: {approvers: [U1, U2], count: 3}\n"));

    [Fact]
    public void Parse_InvalidYaml_ReportsLine()
    {
        var e = Assert.Single(Parse("service: checkout\nroute:\n  name: [primary\nnamespace: shop\n").Errors);
        Assert.Equal("checkout.yaml", e.File);
        Assert.InRange(e.Line, 3, 4);
        Assert.StartsWith("invalid YAML", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Parse_EmptyFile_SaysSo(string yaml) =>
        Assert.Equal(["checkout.yaml:1: the file is empty; start with service:, namespace: and route:"], Errors(yaml));

    [Fact]
    public void Parse_TopLevelList_Error() =>
        Assert.Equal(["checkout.yaml:1: expected a mapping at the top level; start with service:, namespace: and route:"], Errors("- a\n- b\n"));

    private sealed class WindowSection : IConfigSection
    {
        public string Key => "window";

        public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader reader)
        {
            if (reader.Mapping(node, Key, ["timeZone", "ranges"]) is not { } m) return null;
            return m.TryGetValue("timeZone", out var tz) && reader.String(tz, "window.timeZone", "give an IANA zone") is { } zone
                ? cfg => cfg with { Source = cfg.Source + "#" + zone }
                : null;
        }
    }

    [Fact]
    public void Parse_ExtraSection_ParsedWithSameErrorMachinery()
    {
        var sections = ReleaseConfigSections.All.Where(s => s.Key != "window").Append(new WindowSection()).ToList(); // replaces the real window section
        var yaml = "service: checkout\nnamespace: shop\nroute: {virtualService: checkout, name: primary}\nwindow: {timeZone: Europe/Berlin, rangs: x}\n";

        var r = ReleaseConfigParser.Parse(yaml, "checkout.yaml", sections);

        Assert.Equal(["checkout.yaml:4: window.rangs: unknown key; did you mean 'ranges'?"], r.Errors.Select(e => e.ToString()));
        var ok = ReleaseConfigParser.Parse(yaml.Replace(", rangs: x", "") + Deployments, "checkout.yaml", sections);
        Assert.Equal("checkout.yaml#Europe/Berlin", ok.Config!.Source);
        Assert.Equal(["checkout.yaml:4: windows: unknown key; did you mean 'window'?"],
            ReleaseConfigParser.Parse(yaml.Replace("window:", "windows:"), "checkout.yaml", sections).Errors.Select(e => e.ToString()));
    }
}
