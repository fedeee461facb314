using System.Diagnostics;
using System.Net;
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
        try
        {
            for (var i = 0; i < DelaysMs.Length; i++)
            {
                var (service, delay, version) = (services[i], DelaysMs[i], $"1.0.{i}");
                var body = CiRequests.Build($"build-{run}-{i}", service, version);

                using (var victim = bot.Client(null))
                {
                    var watch = Stopwatch.StartNew();
                    var first = victim.SendAsync(CiRequests.Signed(body));
                    if (delay > 0) await Task.Delay(delay);
                    var killedAt = watch.ElapsedMilliseconds; // the machine is shared: the real gap is printed, not asserted
                    bot.Kill();
                    string answered;
                    try { answered = $"{(int)(await first).StatusCode}"; }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException) { answered = "no answer"; }
                    bot.Dispose();
                    outcomes.Add($"trial {i}: SIGKILL {killedAt} ms after the request was sent (asked {delay} ms), first request: {answered}");
                }

                bot = await BotProcess.StartAsync(root, azurite.ConnectionString);
                using var ci = bot.Client(null);
                var retry = await ci.SendAsync(CiRequests.Signed(body));
                var retried = await retry.JsonAsync();
                Assert.True(retry.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"trial {i}: retry answered {(int)retry.StatusCode} {retried.ToJsonString()}");
                Assert.Equal($"{service}-1", (string?)retried["rolloutId"]);
                Assert.Equal(retry.StatusCode == HttpStatusCode.OK, (bool?)retried["duplicate"] == true);
                outcomes[^1] += $"; retry: {(int)retry.StatusCode}{(retry.StatusCode == HttpStatusCode.OK ? " duplicate" : " started")}";

                var again = await ci.SendAsync(CiRequests.Signed(body));
                var repeated = await again.JsonAsync();
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                Assert.True((bool?)repeated["duplicate"]);
                Assert.Equal($"{service}-1", (string?)repeated["rolloutId"]);

                using var api = bot.Client(TestAppRoot.DeployerKey);
                var rollouts = await api.GetAsync($"/api/services/{service}/rollouts");
                var list = (await rollouts.JsonAsync()).AsArray();
                var rollout = Assert.Single(list);
                Assert.Equal(version, (string?)rollout!["version"]);
            }
        }
        finally
        {
            bot.Dispose();
            foreach (var line in outcomes) output.WriteLine(line);
        }
    }
}
