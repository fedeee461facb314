using System.Globalization;
using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.Ci;
using Bot.Functions.Releases;
using Bot.Functions.Tests.Sweep;
using Bot.TestKit.Azurite;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Ci;

/// <summary>The CI handler on the real storage path (rollout table, dedup table, step queue on Azurite).</summary>
[Collection(SchedAzuriteCollection.Name)]
public class CiWebhookTests(AzuriteFixture azurite)
{
    private const string Secret = "ci-signing-secret-for-tests";
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly SweepHarness _h = new(azurite, Now);
    private readonly IOptions<CiOptions> _options = Options.Create(new CiOptions { SigningSecret = Secret, Token = "ci-bearer-token" });

    private ReleaseConfig Checkout => SweepHarness.Config([new SetWeightStep(10), new ApprovalStep(), new PromoteStep()]) with { GitHubRepo = "acme/checkout" };

    private static string Body(string id = "jenkins-checkout-812", string status = "succeeded", string service = "checkout-api") =>
        $$"""{"id":"{{id}}","service":"{{service}}","version":"1.4.2","commit":"3f2c9e1a","image":"registry.example.com/checkout:1.4.2","status":"{{status}}","buildUrl":"https://ci.example.com/job/812/"}""";

    private DefaultHttpContext Request(string body, bool sign = true, DateTimeOffset? signedAt = null, string? bearer = null)
    {
        var http = new DefaultHttpContext();
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Request.Method = "POST";
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = bytes.Length;
        if (sign)
        {
            var ts = (signedAt ?? Now).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            http.Request.Headers[CiAuth.TimestampHeader] = ts;
            http.Request.Headers[CiAuth.SignatureHeader] = CiAuth.Sign(Secret, ts, bytes);
        }
        if (bearer is not null) http.Request.Headers.Authorization = $"Bearer {bearer}";
        return http;
    }

    private Task<IResult> SendAsync(HttpContext http, IReleaseConfigs? configs = null) =>
        CiWebhook.HandleAsync(http, _options, configs ?? new Configs(Checkout), _h.Dedup, _h.Executor, _h.Clock, NullLoggerFactory.Instance, default);

    [Fact]
    public async Task HandleAsync_SignedBuild_StartsRolloutAndRedeliveryDoesNothing()
    {
        var first = await SendAsync(Request(Body()));

        var accepted = Assert.IsType<Accepted<CiResponse>>(first);
        Assert.Equal("checkout-api-1", accepted.Value!.RolloutId);
        var state = await _h.StateAsync();
        Assert.Equal("1.4.2", state.Active!.Version);
        Assert.Equal(new VersionSource("3f2c9e1a", "registry.example.com/checkout:1.4.2", "acme/checkout", "https://ci.example.com/job/812/"), state.Active.Source);
        Assert.Equal("ci", state.Active.StartedBy.Surface);

        var again = await SendAsync(Request(Body()));

        var ok = Assert.IsType<Ok<CiResponse>>(again);
        Assert.True(ok.Value!.Duplicate);
        var after = await _h.StateAsync();
        Assert.Equal(state.Sequence, after.Sequence);
        Assert.Equal(state.Active.Id, after.Active!.Id);
    }

    [Fact]
    public async Task HandleAsync_BearerToken_Accepted()
    {
        Assert.IsType<Accepted<CiResponse>>(await SendAsync(Request(Body("gha-1"), sign: false, bearer: "ci-bearer-token")));
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("stale")]
    [InlineData("no-credentials")]
    [InlineData("wrong-token")]
    public async Task HandleAsync_BadAuth_401AndNothingChanges(string kind)
    {
        DefaultHttpContext http;
        switch (kind)
        {
            case "bad-signature":
                http = Request(Body());
                http.Request.Headers[CiAuth.SignatureHeader] = "sha256=" + new string('0', 64);
                break;
            case "stale": http = Request(Body(), signedAt: Now.AddMinutes(-6)); break;
            case "no-credentials": http = Request(Body(), sign: false); break;
            default: http = Request(Body(), sign: false, bearer: "nope"); break;
        }

        var result = await SendAsync(http);

        Assert.Equal(StatusCodes.Status401Unauthorized, Assert.IsType<ProblemHttpResult>(result).StatusCode);
        Assert.Null(await _h.Store.GetAsync("checkout-api", default));
        // The id was not claimed: the same build, properly signed, still starts.
        Assert.IsType<Accepted<CiResponse>>(await SendAsync(Request(Body())));
    }

    [Fact]
    public async Task HandleAsync_BadBody_400ListsEachField()
    {
        var result = await SendAsync(Request("""{"id":"","service":"Checkout","version":"1.4.2","status":"green"}"""));

        var problem = Assert.IsType<ValidationProblem>(result);
        Assert.Equal(["id", "service", "status"], problem.ProblemDetails.Errors.Keys.Order().ToArray());
        Assert.Null(await _h.Store.GetAsync("checkout-api", default));
    }

    [Fact]
    public async Task HandleAsync_UnknownService_404NamesKnownOnes()
    {
        var result = await SendAsync(Request(Body(service: "payments")), new Configs(Checkout, SweepHarness.Config([new PromoteStep()], service: "cart")));

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(404, problem.StatusCode);
        Assert.Equal("no service 'payments'; known services: cart, checkout-api", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task HandleAsync_FailedBuild_StartsNothing()
    {
        var result = await SendAsync(Request(Body(status: "failed")));

        Assert.Contains("failed; nothing started", Assert.IsType<Accepted<CiResponse>>(result).Value!.Message);
        Assert.Null(await _h.Store.GetAsync("checkout-api", default));
    }

    [Fact]
    public async Task HandleAsync_FrozenWithRejectPolicy_409CarriesReason()
    {
        _h.Gates = _h.Gates with { Freezes = [new Core.Calendar.Freeze("all", "year-end change freeze", SweepHarness.Deployer, Now.AddHours(-1))] };
        var config = Checkout with { Policy = new RolloutPolicy { OnFreeze = Core.Calendar.FreezePolicy.Reject } };

        var result = await SendAsync(Request(Body()), new Configs(config));

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(409, problem.StatusCode);
        Assert.Contains("year-end change freeze", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task HandleAsync_FrozenWithQueuePolicy_AcceptedAndAnswerCarriesReason()
    {
        _h.Gates = _h.Gates with { Freezes = [new Core.Calendar.Freeze("checkout-api", "incident 4711", SweepHarness.Deployer, Now.AddHours(-1))] };

        var result = await SendAsync(Request(Body()));

        Assert.Contains("incident 4711", Assert.IsType<Accepted<CiResponse>>(result).Value!.Message);
        await _h.PumpAsync();
        Assert.Empty(_h.Weights);
        Assert.Contains(_h.Notifier.Notices, n => n.Kind == NoticeKind.Waiting && n.Text.Contains("incident 4711"));
    }

    private sealed class Configs(params ReleaseConfig[] configs) : IReleaseConfigs
    {
        public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(configs.FirstOrDefault(c => c.Service == service));
        public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>(configs);
    }
}
