using System.Net;
using Bot.Adapters.Storage;

namespace Bot.Adapters.Tests.Storage;

public sealed class StorageResilienceTests
{
    private static readonly StorageConnectionString Account = StorageConnectionString.Development();

    private static readonly StorageRetryOptions NoWait = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };

    /// <summary>Answers every request with the next scripted outcome (the last repeats) and counts attempts.</summary>
    private sealed class StubHandler(params Func<HttpResponseMessage>[] outcomes) : HttpMessageHandler
    {
        public int Attempts { get; private set; }
        public List<string> Dates { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Dates.Add(request.Headers.GetValues("x-ms-date").Single());
            Assert.Single(request.Headers.GetValues("Authorization"));
            var outcome = outcomes[Math.Min(Attempts, outcomes.Length - 1)];
            Attempts++;
            return Task.FromResult(outcome());
        }
    }

    private static Func<HttpResponseMessage> Status(HttpStatusCode status, string? code = null) => () =>
    {
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(code is null ? "" : $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>it failed\nRequestId:1</Message></Error>"),
        };
        return response;
    };

    private static AzureQueueService Queues(StubHandler stub) =>
        new(new HttpClient(stub), Account, StorageResilience.CreatePipeline(NoWait));

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Transient_IsRetriedUpToTheLimit(HttpStatusCode status)
    {
        var stub = new StubHandler(Status(status, "ServerBusy"));

        var e = await Assert.ThrowsAsync<StorageException>(() => Queues(stub).ClearAsync("q", CancellationToken.None));

        Assert.Equal(1 + NoWait.MaxRetryAttempts, stub.Attempts);
        Assert.Equal(status, e.Status);
        Assert.Equal("ServerBusy", e.ErrorCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "QueueNotFound")]
    [InlineData(HttpStatusCode.BadRequest, "PopReceiptMismatch")]
    [InlineData(HttpStatusCode.Forbidden, "AuthenticationFailed")]
    [InlineData(HttpStatusCode.Conflict, "QueueBeingDeleted")]
    [InlineData(HttpStatusCode.PreconditionFailed, "UpdateConditionNotSatisfied")]
    public async Task Other4xx_IsNotRetried(HttpStatusCode status, string code)
    {
        var stub = new StubHandler(Status(status, code));

        var e = await Assert.ThrowsAsync<StorageException>(() => Queues(stub).ClearAsync("q", CancellationToken.None));

        Assert.Equal(1, stub.Attempts);
        Assert.Equal(code, e.ErrorCode);
        Assert.Contains("it failed", e.Message);
        Assert.DoesNotContain("RequestId", e.Message);
    }

    [Fact]
    public async Task NoAnswerAfterRetries_IsStorageUnreachable_WithTheNetworkErrorInside()
    {
        var stub = new StubHandler(() => throw new HttpRequestException("Connection refused (127.0.0.1:10001)"));

        var e = await Assert.ThrowsAsync<StorageException>(() => Queues(stub).ClearAsync("q", CancellationToken.None));

        Assert.Equal(1 + NoWait.MaxRetryAttempts, stub.Attempts);
        Assert.Equal(StorageException.UnreachableCode, e.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.True(e.IsUnavailable);
        Assert.Contains("Connection refused", e.Message);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task Transient_ThenSuccess_Succeeds_AndEachAttemptIsSignedAfresh()
    {
        var stub = new StubHandler(
            () => throw new HttpRequestException("connection reset"),
            Status(HttpStatusCode.ServiceUnavailable),
            Status(HttpStatusCode.NoContent));

        await Queues(stub).ClearAsync("q", CancellationToken.None);

        Assert.Equal(3, stub.Attempts);
    }

    [Fact]
    public async Task ErrorCode_FromHeader_WinsOverBody()
    {
        var stub = new StubHandler(() =>
        {
            var r = Status(HttpStatusCode.NotFound, "BodyCode")();
            r.Headers.TryAddWithoutValidation("x-ms-error-code", "HeaderCode");
            return r;
        });
        var e = await Assert.ThrowsAsync<StorageException>(() => Queues(stub).ClearAsync("q", CancellationToken.None));
        Assert.Equal("HeaderCode", e.ErrorCode);
    }

    [Fact]
    public async Task TableJsonError_IsParsed()
    {
        var stub = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.Conflict)
        {
            Content = new StringContent("{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\\nRequestId:x\"}}}"),
        });
        var tables = new AzureTableService(new HttpClient(stub), Account, StorageResilience.CreatePipeline(NoWait));

        var e = await Assert.ThrowsAsync<StorageException>(() =>
            tables.InsertAsync("t", new TableEntity("p", "r", []), CancellationToken.None));

        Assert.Equal(1, stub.Attempts);
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
        Assert.Contains("The specified entity already exists.", e.Message);
    }

    [Fact]
    public async Task CallerCancellation_IsNotRetried()
    {
        using var cts = new CancellationTokenSource();
        var stub = new StubHandler(() =>
        {
            cts.Cancel();
            throw new TaskCanceledException("canceled by caller");
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Queues(stub).ClearAsync("q", cts.Token));
        Assert.Equal(1, stub.Attempts);
    }

    [Fact]
    public async Task HttpClientTimeout_IsRetried()
    {
        var stub = new StubHandler(
            () => throw new TaskCanceledException("timed out", new TimeoutException()),
            Status(HttpStatusCode.NoContent));

        await Queues(stub).ClearAsync("q", CancellationToken.None);
        Assert.Equal(2, stub.Attempts);
    }

    [Fact]
    public async Task RetryAfter_IsHonouredUpToMaxDelay()
    {
        var time = new Bot.TestKit.FakeTimeProvider();
        var options = NoWait with { MaxRetryAttempts = 1, MaxDelay = TimeSpan.FromSeconds(5) };
        var stub = new StubHandler(() =>
        {
            var r = Status(HttpStatusCode.TooManyRequests)();
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
            return r;
        }, Status(HttpStatusCode.NoContent));
        var queues = new AzureQueueService(new HttpClient(stub), Account, StorageResilience.CreatePipeline(options, time), time);

        var start = time.GetUtcNow();
        var call = queues.ClearAsync("q", CancellationToken.None);
        // Step the fake clock until the retry fires (bounded, so a regression fails instead of hanging).
        for (var i = 0; i < 100 && stub.Attempts < 2; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(5);
        }
        await call;
        Assert.InRange(time.GetUtcNow() - start, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.5));
        Assert.Equal(2, stub.Attempts);
    }
}
