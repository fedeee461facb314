using System.Net;
using System.Text.Json.Nodes;
using Bot.Functions.Tests.Ci;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.EndToEnd;

/// <summary>
/// A CI build is never lost and never started twice across a real crash: the bot runs as its own process, gets a
/// signed CI build, is killed with SIGKILL a few milliseconds later, restarts, and the CI system retries the same
/// delivery. Whatever the kill interrupted, exactly one rollout exists afterwards and every retry names it.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class CiCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>Kill delays after the request is sent; small enough for CI on 2 cores (one bot start per trial).</summary>
    private static readonly int[] DelaysMs = [0, 5, 15, 30, 50, 80];

    [Fact]
    public async Task Process_KilledAfterCiBuildPosted_RetryOfSameDeliveryStartsExactlyOneRollout()
    {
        using var root = new TestAppRoot();
        var run = Guid.NewGuid().ToString("N")[..6];
        var services = DelaysMs.Select((_, i) => $"cik-{run}-{i}").ToList();
        foreach (var s in services) root.AddService(s, "setWeight: 10", "approval: {}", "promote: {}");

        var bot = await BotProcess.StartAsync(root, azurite.ConnectionString);
        var outcomes = new List<string>();
        var answers = new List<(int Trial, HttpStatusCode Retry, JsonNode RetryBody, HttpStatusCode Again, JsonNode AgainBody)>();
        try
        {
            for (var i = 0; i < DelaysMs.Length; i++)
            {
                var (service, delay, version) = (services[i], DelaysMs[i], $"1.0.{i}");
                var body = CiRequests.Build($"build-{run}-{i}", service, version);

                outcomes.Add($"trial {i}: " + await bot.KillWhileAsync(c => c.SendAsync(CiRequests.Signed(body)), delay));

                bot = await BotProcess.StartAsync(root, azurite.ConnectionString);
                using var ci = bot.Client(null);
                var retry = await ci.SendAsync(CiRequests.Signed(body));
                var retried = await retry.JsonAsync();
                var again = await ci.SendAsync(CiRequests.Signed(body));
                var repeated = await again.JsonAsync();
                outcomes[^1] += $"; retry: {(int)retry.StatusCode} {retried.ToJsonString()}; once more: {(int)again.StatusCode}";

                // The invariant first: the build started exactly one rollout, whatever the kill interrupted.
                using var api = bot.Client(TestAppRoot.DeployerKey);
                var list = (await (await api.GetAsync($"/api/services/{service}/rollouts")).JsonAsync()).AsArray();
                Assert.True(list.Count == 1, $"trial {i}: {list.Count} rollouts of {service} after the retry ({outcomes[^1]})");
                Assert.Equal(version, (string?)list[0]!["version"]);
                answers.Add((i, retry.StatusCode, retried, again.StatusCode, repeated));
            }

            // Then what the CI system was told: the retry started it (201) or named it as a duplicate (200), and a
            // further retry is a duplicate naming the same rollout.
            foreach (var (i, status, retried, againStatus, repeated) in answers)
            {
                var expected = $"{services[i]}-1";
                Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"trial {i}: retry answered {(int)status} {retried.ToJsonString()}");
                Assert.Equal(expected, (string?)retried["rolloutId"]);
                Assert.Equal(status == HttpStatusCode.OK, (bool?)retried["duplicate"] == true);
                Assert.Equal(HttpStatusCode.OK, againStatus);
                Assert.True((bool?)repeated["duplicate"]);
                Assert.Equal(expected, (string?)repeated["rolloutId"]);
            }
        }
        finally
        {
            try { bot.Dispose(); } catch (InvalidOperationException) { } // already disposed when a restart failed
            foreach (var line in outcomes) output.WriteLine(line);
        }
    }
}
