using System.Net;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Pages;

/// <summary>Issue 14: the pages are never public; the command API key opens them; no key and no link is a 403 that
/// shows nothing, even for a rollout that does not exist (no existence oracle).</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class PageAccessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Pages_CommandApiKeyOpensThem_NothingElseDoes()
    {
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        using var root = new TestAppRoot();
        root.AddIssuePlan(service);
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        using var deployer = app.Client(TestAppRoot.DeployerKey);
        var started = await (await deployer.PostJsonAsync("/api/rollouts", new { service, version = "2.4.0" })).JsonAsync();
        var id = (string)started["rollout"]!["id"]!;

        var page = await deployer.GetAsync($"/api/pages/rollouts/{id}");
        var servicePage = await deployer.GetAsync($"/api/pages/services/{service}");
        using var anonymous = app.Client(null);
        using var wrongKey = app.Client("not-a-key-0123456789abcdef");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none';", csp);
        Assert.DoesNotContain("script-src", csp);
        Assert.Contains("2.4.0", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, servicePage.StatusCode);
        foreach (var (client, path) in new[] { (anonymous, $"/api/pages/rollouts/{id}"), (wrongKey, $"/api/pages/rollouts/{id}"),
                     (anonymous, $"/api/pages/services/{service}"), (anonymous, $"/api/pages/rollouts/{service}-99"),
                     (anonymous, $"/api/pages/rollouts/{id}?kid=k1&exp=9999999999&sig=AAAA") })
        {
            var refused = await client.GetAsync(path);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {refused.StatusCode}");
            Assert.DoesNotContain(service, body);
            Assert.DoesNotContain("2.4.0", body);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await deployer.GetAsync($"/api/pages/rollouts/{service}-99")).StatusCode);
    }
}
