using System.Diagnostics;
using System.Net;
using Azure.Core.Pipeline;
using Bot.Adapters.Storage;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

/// <summary>What storage failures look like to the stores, through the SDK pipeline the app builds (a stub transport
/// answers instead of Azurite).</summary>
public sealed class StorageResilienceTests
{
    private static readonly string Account = AzuriteFixture.ConnectionStringFor(10001, 10002);

    private static readonly StorageRetryOptions NoWait = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) };

    /// <summary>Answers every request with the next scripted outcome (the last repeats) and counts attempts.</summary>
    private sealed class StubHandler(params Func<HttpResponseMessage>[] outcomes) : HttpMessageHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Assert.Single(request.Headers.GetValues("x-ms-date"));
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
            Content = new StringContent(code is null ? "" : $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>it failed\nRequestId:1</Message></Error>",
                System.Text.Encoding.UTF8, "application/xml"),
        };
        if (code is not null) response.Headers.TryAddWithoutValidation("x-ms-error-code", code);
        return response;
    };

    private static AzureQueueService Queues(StubHandler stub, StorageRetryOptions? retry = null) =>
        new(StorageClients.CreateQueueServiceClient(Account, retry ?? NoWait, new HttpClientTransport(new HttpClient(stub))));

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
        Assert.True(e.IsUnavailable);
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
        Assert.False(e.IsUnavailable);
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
        Assert.True(Bot.Core.Ports.TransientFailures.Is(e));
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
    public async Task TableJsonError_IsParsed()
    {
        var stub = new StubHandler(() =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.Conflict)
            {
                Content = new StringContent("{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\\nRequestId:x\"}}}",
                    System.Text.Encoding.UTF8, "application/json"),
            };
            return r;
        });
        var tables = new AzureTableService(StorageClients.CreateTableServiceClient(Account, NoWait, new HttpClientTransport(new HttpClient(stub))));

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
    public async Task AttemptTimeout_IsRetried()
    {
        var slowThenFine = new SlowHandler(TimeSpan.FromSeconds(5));
        var queues = new AzureQueueService(StorageClients.CreateQueueServiceClient(Account, NoWait with { AttemptTimeout = TimeSpan.FromMilliseconds(200) },
            new HttpClientTransport(new HttpClient(slowThenFine))));

        await queues.ClearAsync("q", CancellationToken.None);
        Assert.Equal(2, slowThenFine.Attempts);
    }

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        var stub = new StubHandler(() =>
        {
            var r = Status(HttpStatusCode.TooManyRequests)();
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return r;
        }, Status(HttpStatusCode.NoContent));

        var watch = Stopwatch.StartNew();
        await Queues(stub, NoWait with { MaxRetryAttempts = 1 }).ClearAsync("q", CancellationToken.None);

        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}");
        Assert.Equal(2, stub.Attempts);
    }

    /// <summary>The first attempt hangs past the attempt timeout; the next answers at once.</summary>
    private sealed class SlowHandler(TimeSpan hang) : HttpMessageHandler
    {
        public int Attempts { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (++Attempts == 1) await Task.Delay(hang, ct);
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }
}
