using Bot.Functions.Hosting;
using Bot.Functions.Steps;
using Bot.Core.Commands;
using System.Globalization;
using System.Text;
using Bot.Adapters.Storage;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
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
        CiWebhook.HandleAsync(http, _options, configs ?? new Configs(Checkout), Pipeline(_h.Executor, configs), _h.Clock, NullLoggerFactory.Instance, default);

    private CommandPipeline Pipeline(RolloutExecutor executor, IReleaseConfigs? configs = null) =>
        new(_h.Store, executor, configs ?? new Configs(Checkout), new TableAuditLog(_h.Tables, _h.Storage), _h.Clock);

    [Fact]
    public async Task HandleAsync_SignedBuild_StartsRolloutAndRedeliveryDoesNothing()
    {
        var first = await SendAsync(Request(Body()));

        var accepted = Assert.IsType<Created<CiResponse>>(first);
        Assert.Equal("checkout-api-1", accepted.Value!.RolloutId);
        Assert.Equal("/api/rollouts/checkout-api-1", accepted.Location);
        var state = await _h.StateAsync();
        Assert.Equal("1.4.2", state.Active!.Version);
        Assert.Equal(new VersionSource("3f2c9e1a", "registry.example.com/checkout:1.4.2", "acme/checkout", "https://ci.example.com/job/812/"), state.Active.Source);
        Assert.Equal("ci", state.Active.StartedBy.Surface);

        var again = await SendAsync(Request(Body()));

        var ok = Assert.IsType<Ok<CiResponse>>(again);
        Assert.True(ok.Value!.Duplicate);
        Assert.Equal("checkout-api-1", ok.Value.RolloutId);
        var after = await _h.StateAsync();
        Assert.Equal(state.Sequence, after.Sequence);
        Assert.Equal(state.Active.Id, after.Active!.Id);
    }

    [Fact]
    public async Task HandleAsync_BearerToken_Accepted()
    {
        Assert.IsType<Created<CiResponse>>(await SendAsync(Request(Body("gha-1"), sign: false, bearer: "ci-bearer-token")));
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
        Assert.IsType<Created<CiResponse>>(await SendAsync(Request(Body())));
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
        _h.Gates = _h.Gates with { Freezes = [new Core.Freezes.Freeze("all", "year-end change freeze", SweepHarness.Deployer, Now.AddHours(-1))] };
        var config = Checkout with { Policy = new RolloutPolicy { OnFreeze = Core.Freezes.FreezePolicy.Reject } };

        var result = await SendAsync(Request(Body()), new Configs(config));

        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(409, problem.StatusCode);
        Assert.Contains("year-end change freeze", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task HandleAsync_FrozenWithQueuePolicy_AcceptedAndAnswerCarriesReason()
    {
        _h.Gates = _h.Gates with { Freezes = [new Core.Freezes.Freeze("checkout-api", "incident 4711", SweepHarness.Deployer, Now.AddHours(-1))] };

        var result = await SendAsync(Request(Body()));

        Assert.Contains("incident 4711", Assert.IsType<Created<CiResponse>>(result).Value!.Message);
        await _h.PumpAsync();
        Assert.Empty(_h.Weights);
        Assert.Contains(_h.Notifier.Notices, n => n.Kind == NoticeKind.Waiting && n.Text.Contains("incident 4711"));
    }

    [Fact]
    public async Task HandleAsync_StorageFailsBeforeTheStartIsCommitted_RetryOfTheSameBuildStartsIt()
    {
        // The state commit fails (storage down, or a crash there): nothing about this build may be kept.
        var store = new FailingSaves(_h.Store, failures: 1);
        var executor = new RolloutExecutor(store, _h.Router, new NullDeploymentController(), _h.Notifier,
            new QueueStepScheduler(new WorkQueue<StepWork>(_h.Queues, _h.StepQueue), _h.Clock), new TableAuditLog(_h.Tables, _h.Storage),
            (s, i, now) => RolloutMachine.Decide(s, i, now, _h.Gates), _h.Clock);
        Task<IResult> Send() => CiWebhook.HandleAsync(Request(Body()), _options, new Configs(Checkout), Pipeline(executor), _h.Clock, NullLoggerFactory.Instance, default);

        await Assert.ThrowsAsync<StorageException>(Send);
        Assert.Null(await _h.Store.GetAsync("checkout-api", default));

        var retry = Assert.IsType<Created<CiResponse>>(await Send());
        Assert.Equal("checkout-api-1", retry.Value!.RolloutId);
        Assert.True(Assert.IsType<Ok<CiResponse>>(await Send()).Value!.Duplicate);
    }

    [Fact]
    public async Task HandleAsync_RetryAfterTheStartWasCommittedButNotApplied_DuplicateNamingTheRolloutAndEffectsApplied()
    {
        // A crash right after the commit: the state holds the new rollout with its effects pending.
        var store = new FailingSaves(_h.Store, failures: 1, afterFirst: true);
        var executor = new RolloutExecutor(store, _h.Router, new NullDeploymentController(), _h.Notifier,
            new QueueStepScheduler(new WorkQueue<StepWork>(_h.Queues, _h.StepQueue), _h.Clock), new TableAuditLog(_h.Tables, _h.Storage),
            (s, i, now) => RolloutMachine.Decide(s, i, now, _h.Gates), _h.Clock);
        Task<IResult> Send() => CiWebhook.HandleAsync(Request(Body()), _options, new Configs(Checkout), Pipeline(executor), _h.Clock, NullLoggerFactory.Instance, default);
        await Assert.ThrowsAsync<StorageException>(Send);
        Assert.NotEmpty((await _h.StateAsync()).Pending);

        var retry = Assert.IsType<Ok<CiResponse>>(await Send());

        Assert.True(retry.Value!.Duplicate);
        Assert.Equal("checkout-api-1", retry.Value.RolloutId);
        var state = await _h.StateAsync();
        Assert.Empty(state.Pending);
        Assert.Equal(1, state.Sequence);
    }

    /// <summary>Fails <c>failures</c> saves with a storage outage: the first ones, or (<c>afterFirst</c>) the ones
    /// right after the first succeeded, as a crash after the commit would leave it.</summary>
    private sealed class FailingSaves(IRolloutStore inner, int failures, bool afterFirst = false) : IRolloutStore
    {
        private int _saves;
        public Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct) => inner.GetAsync(service, ct);
        public Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
        {
            var n = ++_saves;
            var fail = afterFirst ? n >= 2 && n < 2 + failures : n <= failures;
            return fail
                ? throw new StorageException(System.Net.HttpStatusCode.ServiceUnavailable, StorageException.UnreachableCode, "PUT /rollouts: no answer (test)")
                : inner.SaveAsync(state, etag, ct);
        }
        public Task ArchiveAsync(RolloutState rollout, CancellationToken ct) => inner.ArchiveAsync(rollout, ct);
        public Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct) => inner.FindAsync(rolloutId, ct);
        public Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct) => inner.ListAsync(service, max, ct);
    }

    private sealed class Configs(params ReleaseConfig[] configs) : IReleaseConfigs
    {
        public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(configs.FirstOrDefault(c => c.Service == service));
        public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>(configs);
    }
}
