using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Bot.Adapters.Storage;

namespace Bot.Adapters.Tests.Storage;

public sealed class SharedKeySignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly StorageConnectionString Azurite = StorageConnectionString.Development();

    [Fact]
    public void QueueStringToSign_PutMessage_PathStyleDoublesAccount_AndSortsDecodedQuery()
    {
        var request = new HttpRequestMessage(HttpMethod.Post,
            "http://127.0.0.1:10001/devstoreaccount1/rollout-steps/messages?visibilitytimeout=60&MessageTTL=-1&popreceipt=AB%2Bc%2F%3D");
        request.Content = new StringContent("<QueueMessage/>", Encoding.UTF8, "application/xml");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2021-12-02");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 02 Nov 2026 09:00:00 GMT");
        request.Headers.TryAddWithoutValidation("X-MS-Client-Request-Id", "abc");

        var sts = SharedKeySigner.QueueStringToSign(request, "devstoreaccount1");

        Assert.Equal(
            "POST\n\n\n15\n\napplication/xml; charset=utf-8\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:abc\nx-ms-date:Mon, 02 Nov 2026 09:00:00 GMT\nx-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/rollout-steps/messages\nmessagettl:-1\npopreceipt:AB+c/=\nvisibilitytimeout:60",
            sts);
    }

    [Fact]
    public void QueueStringToSign_NoBody_LeavesLengthAndTypeEmpty()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "https://acct.queue.core.windows.net/q/messages");
        request.Headers.TryAddWithoutValidation("x-ms-date", "d");
        Assert.Equal("DELETE\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:d\n/acct/q/messages", SharedKeySigner.QueueStringToSign(request, "acct"));
    }

    [Fact]
    public void TableStringToSign_SharedKey_UsesXmsDateAndOnlyComp()
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10002/devstoreaccount1/rollouts(PartitionKey='a',RowKey='b')?$filter=x&comp=acl");
        request.Content = new StringContent("{}");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 02 Nov 2026 09:00:00 GMT");

        Assert.Equal("PUT\n\napplication/json\nMon, 02 Nov 2026 09:00:00 GMT\n/devstoreaccount1/devstoreaccount1/rollouts(PartitionKey='a',RowKey='b')?comp=acl",
            SharedKeySigner.TableStringToSign(request, "devstoreaccount1", TableAuthScheme.SharedKey));
        Assert.Equal("Mon, 02 Nov 2026 09:00:00 GMT\n/devstoreaccount1/devstoreaccount1/rollouts(PartitionKey='a',RowKey='b')?comp=acl",
            SharedKeySigner.TableStringToSign(request, "devstoreaccount1", TableAuthScheme.SharedKeyLite));
    }

    [Fact]
    public void SignQueueRequest_SetsHeaders_AndSignatureIsHmacOfStringToSign()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10001/devstoreaccount1/q/messages?peekonly=true");

        SharedKeySigner.SignQueueRequest(request, Azurite, Now);
        SharedKeySigner.SignQueueRequest(request, Azurite, Now); // a retry re-signs without duplicating headers

        Assert.Equal("Mon, 02 Nov 2026 09:00:00 GMT", Assert.Single(request.Headers.GetValues("x-ms-date")));
        Assert.Equal(SharedKeySigner.ApiVersion, Assert.Single(request.Headers.GetValues("x-ms-version")));
        var expected = Convert.ToBase64String(HMACSHA256.HashData(
            Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey),
            Encoding.UTF8.GetBytes(SharedKeySigner.QueueStringToSign(request, "devstoreaccount1"))));
        Assert.Equal($"SharedKey devstoreaccount1:{expected}", Assert.Single(request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public void SignTableRequest_Lite_UsesLiteScheme()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/Tables");
        SharedKeySigner.SignTableRequest(request, Azurite, Now, TableAuthScheme.SharedKeyLite);
        Assert.StartsWith("SharedKeyLite devstoreaccount1:", request.Headers.GetValues("Authorization").Single());
    }
}
