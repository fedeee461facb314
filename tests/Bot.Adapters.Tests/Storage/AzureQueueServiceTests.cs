using System.Net;
using Azure.Storage.Queues;
using Bot.Adapters.Storage;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class AzureQueueServiceTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly AzureQueueService _queues = azurite.CreateQueueService();

    private async Task<string> NewQueueAsync()
    {
        var name = AzuriteFixture.NewName("q");
        await _queues.CreateIfNotExistsAsync(name, Ct);
        return name;
    }

    [Fact]
    public async Task CreateIfNotExistsAsync_Twice_Succeeds()
    {
        var name = await NewQueueAsync();
        await _queues.CreateIfNotExistsAsync(name, Ct);
        Assert.Empty(await _queues.PeekAsync(name, 1, Ct));
    }

    [Fact]
    public async Task SendAsync_ThenReceive_RoundTripsUnicodeAndMarkup()
    {
        var queue = await NewQueueAsync();
        const string text = "{\"service\":\"checkout-api\",\"note\":\"<b>&amp; ünïcödé ✓</b>\"}";
        var sent = await _queues.SendAsync(queue, text, null, null, Ct);

        var received = Assert.Single(await _queues.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal(text, received.Text);
        Assert.Equal(1, received.DequeueCount);
        Assert.True(received.NextVisibleTime > received.InsertionTime);
    }

    [Fact]
    public async Task SendAsync_WireText_IsBase64OfUtf8()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "héllo", null, null, Ct);

        // Read the raw message text as the Functions host would.
        var raw = new QueueClient(azurite.ConnectionString, queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var peeked = Assert.Single((await raw.PeekMessagesAsync(1, Ct)).Value);
        Assert.Equal(Convert.ToBase64String("héllo"u8.ToArray()), peeked.MessageText);
    }

    [Fact]
    public async Task SendAsync_WithVisibilityDelay_IsHiddenUntilDue()
    {
        var queue = await NewQueueAsync();
        var sent = await _queues.SendAsync(queue, "later", TimeSpan.FromHours(1), null, Ct);

        Assert.True(sent.NextVisibleTime >= sent.InsertionTime.AddMinutes(59));
        Assert.Empty(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30), Ct));
        Assert.Empty(await _queues.PeekAsync(queue, 1, Ct));
    }

    [Fact]
    public async Task SendAsync_WithTimeToLive_SetsExpiry()
    {
        var queue = await NewQueueAsync();
        var shortLived = await _queues.SendAsync(queue, "a", null, TimeSpan.FromMinutes(5), Ct);
        var forever = await _queues.SendAsync(queue, "b", TimeSpan.FromDays(7), Timeout.InfiniteTimeSpan, Ct);

        Assert.InRange(shortLived.ExpirationTime - shortLived.InsertionTime, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
        Assert.True(forever.ExpirationTime.Year >= 9999);
    }

    [Fact]
    public async Task PeekAsync_DoesNotHideOrCount()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "x", null, null, Ct);

        var peeked = Assert.Single(await _queues.PeekAsync(queue, 5, Ct));
        Assert.Equal("x", peeked.Text);
        Assert.Equal(0, peeked.DequeueCount);
        Assert.Single(await _queues.ReceiveAsync(queue, 5, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task ReceiveAsync_LeasedMessage_IsInvisibleToOthers()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "x", null, null, Ct);

        Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromMinutes(5), Ct));
        Assert.Empty(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromMinutes(5), Ct));
    }

    [Fact]
    public async Task DeleteMessageAsync_WithReceipt_RemovesIt()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "x", null, null, Ct);
        var message = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(1), Ct));

        await _queues.DeleteMessageAsync(queue, message.MessageId, message.PopReceipt, Ct);

        Assert.Empty(await _queues.PeekAsync(queue, 1, Ct));
        await Task.Delay(1200); // the lease would have run out by now
        Assert.Empty(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task UpdateMessageAsync_ReturnsNewReceipt_OldReceiptIsRejected()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "v1", null, null, Ct);
        var message = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30), Ct));

        var update = await _queues.UpdateMessageAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.FromMinutes(10), "v2", Ct);

        Assert.NotEqual(message.PopReceipt, update.PopReceipt);
        Assert.True(update.NextVisibleTime > message.NextVisibleTime);
        var stale = await Assert.ThrowsAsync<StorageException>(() =>
            _queues.DeleteMessageAsync(queue, message.MessageId, message.PopReceipt, Ct));
        Assert.Equal("PopReceiptMismatch", stale.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);

        await _queues.DeleteMessageAsync(queue, message.MessageId, update.PopReceipt, Ct);
        Assert.Empty(await _queues.PeekAsync(queue, 1, Ct));
    }

    [Fact]
    public async Task UpdateMessageAsync_ZeroTimeoutAndNewText_MakesNewTextVisibleNow()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "v1", null, null, Ct);
        var message = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromMinutes(5), Ct));

        await _queues.UpdateMessageAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.Zero, "v2", Ct);

        var again = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromMinutes(5), Ct));
        Assert.Equal("v2", again.Text);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task UpdateMessageAsync_WithoutText_KeepsText()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "keep", null, null, Ct);
        var message = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromMinutes(5), Ct));

        await _queues.UpdateMessageAsync(queue, message.MessageId, message.PopReceipt, TimeSpan.Zero, null, Ct);

        Assert.Equal("keep", Assert.Single(await _queues.PeekAsync(queue, 1, Ct)).Text);
    }

    [Fact]
    public async Task DeleteMessageAsync_UnknownId_ThrowsMessageNotFound()
    {
        var queue = await NewQueueAsync();
        await _queues.SendAsync(queue, "x", null, null, Ct);
        var message = Assert.Single(await _queues.ReceiveAsync(queue, 1, TimeSpan.FromSeconds(30), Ct));

        var e = await Assert.ThrowsAsync<StorageException>(() =>
            _queues.DeleteMessageAsync(queue, Guid.NewGuid().ToString(), message.PopReceipt, Ct));
        Assert.Equal("MessageNotFound", e.ErrorCode);
        Assert.True(e.IsNotFound);
    }

    [Fact]
    public async Task ClearAsync_RemovesAllMessages()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++) await _queues.SendAsync(queue, $"m{i}", null, null, Ct);

        await _queues.ClearAsync(queue, Ct);

        Assert.Empty(await _queues.PeekAsync(queue, 32, Ct));
    }

    [Fact]
    public async Task SendAsync_MissingQueue_ThrowsQueueNotFound()
    {
        var e = await Assert.ThrowsAsync<StorageException>(() =>
            _queues.SendAsync(AzuriteFixture.NewName("missing"), "x", null, null, Ct));
        Assert.Equal("QueueNotFound", e.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, e.Status);
    }

    [Fact]
    public async Task DeleteQueueAsync_ThenSend_ThrowsQueueNotFound()
    {
        var queue = await NewQueueAsync();
        await _queues.DeleteQueueAsync(queue, Ct);

        var e = await Assert.ThrowsAsync<StorageException>(() => _queues.PeekAsync(queue, 1, Ct));
        Assert.Equal("QueueNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task ReceiveAsync_MoreThan32_IsRejectedBeforeSending()
    {
        var queue = await NewQueueAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _queues.ReceiveAsync(queue, 33, TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task SendAsync_WrongKey_ThrowsAuthenticationFailed()
    {
        var wrong = AzuriteFixture.ConnectionStringFor(azurite.QueuePort, azurite.TablePort, Convert.ToBase64String(new byte[64]));
        var queues = new AzureQueueService(StorageClients.CreateQueueServiceClient(wrong));

        var e = await Assert.ThrowsAsync<StorageException>(() => queues.CreateIfNotExistsAsync(AzuriteFixture.NewName("q"), Ct));
        Assert.Equal("AuthenticationFailed", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, e.Status);
    }
}
