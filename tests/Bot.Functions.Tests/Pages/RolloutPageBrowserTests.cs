using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Pages;
using Bot.Functions.Tests.EndToEnd;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Options;
using PuppeteerSharp;

namespace Bot.Functions.Tests.Pages;

/// <summary>Issue 14: the rollout and service pages in a real browser (headless Chromium) against the real bot process on
/// Azurite: one chart point per weight change, the current step marked, the rollback latency, and an expired or tampered
/// link refused with nothing shown. Screenshots land in the test output folder.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class RolloutPageBrowserTests(AzuriteFixture azurite)
{
    private const string Secret = "page-signing-secret-0123456789abcdef-0123";

    [Fact]
    public async Task RolloutPage_InChromium_DrawsEachWeightChangeMarksTheStepAndRefusesAnExpiredLink()
    {
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        using var root = new TestAppRoot();
        root.AddService(service, "setWeight: 10", "approval: {}", "setWeight: 40", "pause: {duration: 1h}", "setWeight: 100", "promote: {}");
        var port = BotProcess.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var bot = await BotProcess.StartAsync(root, azurite.ConnectionString, port, new Dictionary<string, string>
        {
            ["Pages:BaseUrl"] = baseUrl, ["Pages:Keys:0:Id"] = "k2", ["Pages:Keys:0:Secret"] = Secret,
        });
        using var deployer = bot.Client(TestAppRoot.DeployerKey);
        using var approver = bot.Client(TestAppRoot.ApproverKey);
        var links = new PageLinks(Options.Create(new PageOptions { BaseUrl = baseUrl, Keys = [new PageKey { Id = "k2", Secret = Secret }] }));

        var started = await (await deployer.PostJsonAsync("/api/rollouts", new { service, version = "2.4.0", commit = "3f2c9e1" })).JsonAsync();
        var id = (string)started["rollout"]!["id"]!;
        await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        var approved = await approver.PostJsonAsync($"/api/rollouts/{id}/approve", new { reason = "dashboards look fine" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        await deployer.WaitForAsync($"/api/rollouts/{id}", r => (int?)r["stepIndex"] == 3 && (int?)r["canaryWeight"] == 40);

        await using var browser = await ChromiumBrowser.LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844, DeviceScaleFactor = 1 });

        // Baking at 40%: two weight changes (0 → 10 → 40), the pause step marked, the time left shown.
        var link = links.Rollout(id, DateTimeOffset.UtcNow)!;
        var response = await page.GoToAsync(link.AbsoluteUri);
        await page.ScreenshotAsync(ChromiumBrowser.ScreenshotPath("rollout-baking-phone"), new ScreenshotOptions { FullPage = true });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(new[] { "10", "40" }, await AttributesAsync(page, "circle.weight-point", "data-weight"));
        Assert.Equal(await WeightChangesAsync(deployer, service, id), (await page.QuerySelectorAllAsync("circle.weight-point")).Length);
        var current = await page.QuerySelectorAllAsync("#plan li[aria-current=step]");
        Assert.Single(current);
        Assert.StartsWith("pause 1h", await TextAsync(current[0]));
        Assert.Contains("bake ends in", await TextAsync(await page.QuerySelectorAsync("#time-left")));
        var approval = await TextAsync((await page.QuerySelectorAllAsync("#plan li"))[1]);
        Assert.Contains("approved by approver (api)", approval);
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        Assert.True(await page.EvaluateExpressionAsync<bool>("document.scripts.length === 0"), "the page carries a script");

        // Rolled back: the drop to 0 is a third point, no step is current, and the latency is measured.
        var rolledBack = await deployer.PostJsonAsync($"/api/rollouts/{id}/rollback", new { reason = "p99 latency up" });
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "rolledBack");
        await page.SetViewportAsync(new ViewPortOptions { Width = 1000, Height = 900, DeviceScaleFactor = 1 });
        response = await page.GoToAsync(link.AbsoluteUri);
        await page.ScreenshotAsync(ChromiumBrowser.ScreenshotPath("rollout-rolled-back"), new ScreenshotOptions { FullPage = true });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(new[] { "10", "40", "0" }, await AttributesAsync(page, "circle.weight-point", "data-weight"));
        Assert.Equal(await WeightChangesAsync(deployer, service, id), (await page.QuerySelectorAllAsync("circle.weight-point")).Length);
        Assert.Empty(await page.QuerySelectorAllAsync("#plan li[aria-current=step]"));
        Assert.Matches(@"^Rolled back in \d+(\.\d)? m?s", await TextAsync(await page.QuerySelectorAsync("#rollback-latency")));
        Assert.NotEmpty(await page.QuerySelectorAllAsync("g.event-approve"));
        Assert.NotEmpty(await page.QuerySelectorAllAsync("g.event-rollback"));

        // The service page lists it with its outcome and latency, and its link opens the rollout page.
        response = await page.GoToAsync(links.Service(service, DateTimeOffset.UtcNow)!.AbsoluteUri);
        await page.ScreenshotAsync(ChromiumBrowser.ScreenshotPath("service"), new ScreenshotOptions { FullPage = true });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var row = await page.QuerySelectorAsync($"tr[data-rollout='{id}']");
        Assert.Contains("rolled back", await TextAsync(row));
        Assert.Matches(@"\d+(\.\d)? m?s", await TextAsync(await row.QuerySelectorAsync("td.latency")));
        var anchor = await row.QuerySelectorAsync("a");
        Assert.NotNull(anchor);
        await Task.WhenAll(page.WaitForNavigationAsync(), anchor.ClickAsync());
        Assert.Equal(new[] { "10", "40", "0" }, await AttributesAsync(page, "circle.weight-point", "data-weight"));

        // Expired, tampered, or for another page: 403 and nothing of the rollout.
        var expired = new Uri($"{baseUrl}/api/pages/rollouts/{id}?{links.Query(PageLinks.RolloutKind, id, DateTimeOffset.UtcNow.AddMinutes(-1))}");
        var tampered = new Uri(link.AbsoluteUri.Replace($"/rollouts/{id}?", $"/rollouts/{service}-2?", StringComparison.Ordinal));
        var otherPage = new Uri($"{baseUrl}/api/pages/rollouts/{id}?{links.Query(PageLinks.ServiceKind, service, DateTimeOffset.UtcNow.AddHours(1))}");
        foreach (var (name, refused) in new[] { ("expired", expired), ("tampered", tampered), ("other-page", otherPage), ("no-link", new Uri($"{baseUrl}/api/pages/rollouts/{id}")) })
        {
            response = await page.GoToAsync(refused.AbsoluteUri);
            await page.ScreenshotAsync(ChromiumBrowser.ScreenshotPath("refused-" + name));
            var body = await page.EvaluateExpressionAsync<string>("document.body.innerText");
            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{name}: {response.Status}");
            Assert.DoesNotContain("2.4.0", body);
            Assert.DoesNotContain(service, body);
            Assert.Empty(await page.QuerySelectorAllAsync("svg"));
        }
    }

    /// <summary>How often the weight the cluster accepted changed, from the audit API (the chart must draw each once).</summary>
    private static async Task<int> WeightChangesAsync(HttpClient api, string service, string id)
    {
        var records = (JsonArray)await (await api.GetAsync($"/api/services/{service}/audit?rolloutId={id}")).JsonAsync();
        var (changes, last) = (0, 0);
        foreach (var w in records.Select(r => (int?)r!["canaryWeight"]).OfType<int>())
        {
            if (w != last) changes++;
            last = w;
        }
        return changes;
    }

    private static async Task<string[]> AttributesAsync(IPage page, string selector, string attribute) =>
        await page.EvaluateFunctionAsync<string[]>($"(s, a) => [...document.querySelectorAll(s)].map(e => e.getAttribute(a))", selector, attribute);

    private static async Task<string> TextAsync(IElementHandle? e)
    {
        Assert.NotNull(e);
        return (await e.EvaluateFunctionAsync<string>("e => e.textContent")).Trim();
    }
}
