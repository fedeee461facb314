using Bot.Adapters.Config;
using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Freezes;

namespace Bot.Adapters.Tests.Scheduling;

public class WindowConfigTests
{
    private const string Deployments = "\ndeployments: {canary: checkout-canary, stable: checkout, image: \"registry.example.com/checkout:{version}\"}\n";

    private const string Head = """
        service: checkout-api
        namespace: shop
        route: {virtualService: checkout, name: primary, destinationRule: checkout}

        """;

    [Fact]
    public void Parse_WindowAtAndOnFreeze_Read()
    {
        var result = ReleaseConfigParser.Parse(Head + """
            window:
              timeZone: Europe/Berlin
              ranges: ["Mon-Thu 09:00-18:00", "Fri 09:00-12:00"]
              blackouts: ["2026-12-24", "2026-12-31"]
            policy: {onFreeze: reject}
            steps:
              - setWeight: 10
              - approval: {}
              - setWeight: 50
                at: "0 0 9 * * 1-5"
              - promote: {}
            """ + Deployments, "checkout.releasebot.yaml");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var c = result.Config!;
        Assert.Equal("Mon-Thu 09:00-18:00, Fri 09:00-12:00 Europe/Berlin, blackout 2026-12-24, 2026-12-31", c.Window!.Describe());
        Assert.Equal(FreezePolicy.Reject, c.Policy.OnFreeze);
        Assert.Equal(new SetWeightStep(50) { At = "0 0 9 * * 1-5" }, c.Steps[2]);
        Assert.Null(c.Steps[0].At);
    }

    [Fact]
    public void Parse_BadWindowAndCron_ErrorsWithFileLineAndFix()
    {
        var result = ReleaseConfigParser.Parse(Head + """
            window:
              timeZone: Europe/Berlinn
              ranges: ["Mon-Thu 09:00-25:00", "Mon-Fry 09:00-17:00"]
              blackouts: ["24.12.2026"]
            steps:
              - setWeight: 10
              - promote: {}
                at: "0 9 * * 1-5"
            """ + Deployments, "checkout.releasebot.yaml");

        Assert.False(result.Ok);
        var lines = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("checkout.releasebot.yaml:5: window.timeZone: unknown time zone 'Europe/Berlinn'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("checkout.releasebot.yaml:6: window.ranges[0]: '09:00-25:00' is not an hour range", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("checkout.releasebot.yaml:6: window.ranges[1]: 'Mon-Fry' is not a day", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("checkout.releasebot.yaml:7: window.blackouts[0]: '24.12.2026' is not a date", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("checkout.releasebot.yaml:11: steps[1].at: '0 9 * * 1-5' has 5 fields", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownWindowKey_DidYouMean()
    {
        var result = ReleaseConfigParser.Parse(Head + """
            window: {timezone: UTC}
            steps: [{promote: {}}]
            """ + Deployments, "c.yaml");
        Assert.Contains(result.Errors, e => e.Path == "window.timezone" && e.Fix!.Contains("timeZone"));
    }
}
