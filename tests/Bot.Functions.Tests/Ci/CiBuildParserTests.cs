using System.Text;
using Bot.Functions.Ci;

namespace Bot.Functions.Tests.Ci;

public class CiBuildParserTests
{
    private static CiBuild? Parse(string json, out Dictionary<string, string[]> errors) => CiBuildParser.Parse(Encoding.UTF8.GetBytes(json), out errors);

    [Fact]
    public void Parse_FullBody_AllFields()
    {
        var build = Parse("""
            {"id":"jenkins-checkout-812","service":"checkout-api","version":"1.4.2","image":"registry.example.com/checkout:1.4.2",
             "commit":"3f2c9e1a","repository":"acme/checkout","status":"succeeded","buildUrl":"https://ci.example.com/job/812/","extra":1}
            """, out var errors);
        Assert.Empty(errors);
        Assert.Equal(new CiBuild("jenkins-checkout-812", "checkout-api", "1.4.2", CiBuildStatus.Succeeded,
            "registry.example.com/checkout:1.4.2", "3f2c9e1a", "acme/checkout", "https://ci.example.com/job/812/"), build);
    }

    [Fact]
    public void Parse_EveryFieldBad_ListsEachField()
    {
        var build = Parse("""
            {"id":42,"service":"Checkout API","version":"1 4","image":"a b","commit":"xyz","repository":"acme","status":"green","buildUrl":"ftp://x"}
            """, out var errors);
        Assert.Null(build);
        Assert.Equal(["buildUrl", "commit", "id", "image", "repository", "service", "status", "version"], errors.Keys.Order().ToArray());
        Assert.Contains("must be a string", errors["id"][0]);
        Assert.Contains("succeeded or failed", errors["status"][0]);
    }

    [Fact]
    public void Parse_MissingRequired_SaysRequired()
    {
        Assert.Null(Parse("{}", out var errors));
        Assert.Equal(["id", "service", "status", "version"], errors.Keys.Order().ToArray());
        Assert.All(errors.Values, v => Assert.Equal("is required", v[0]));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"x\"")]
    public void Parse_NotAnObject_BodyError(string json)
    {
        Assert.Null(Parse(json, out var errors));
        Assert.True(errors.ContainsKey("body"));
    }

    [Fact]
    public void Parse_Failed_StatusFailed()
    {
        Assert.Equal(CiBuildStatus.Failed, Parse("""{"id":"1","service":"a","version":"2","status":"failed"}""", out _)!.Status);
    }
    [Theory]
    [InlineData("\"commit\":\"3f2c9e1", "commit")]   // inside an optional string
    [InlineData("\"id\":\"b", "id")]                 // inside a required string
    public void Parse_InvalidUtf8InAString_NamesTheFieldAndByteOffset(string before, string field)
    {
        var json = """{"id":"build-1","service":"checkout-api","version":"1.4.2","commit":"3f2c9e1a","status":"succeeded"}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        var at = json.IndexOf(before, StringComparison.Ordinal) + before.Length;
        bytes[at] = 0xE2; // a 3-byte lead followed by ASCII: not UTF-8

        var build = CiBuildParser.Parse(bytes, out var errors);

        Assert.Null(build);
        Assert.Equal($"is not valid UTF-8 (byte offset {at}, in the value of '{field}'): send the JSON encoded as UTF-8", Assert.Single(errors[field]));
    }

    [Fact]
    public void Parse_InvalidUtf8OutsideAnyString_NamesTheBodyAndOffset()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"id":"b", "service":"checkout-api"}""");
        bytes[9] = 0xFF;

        CiBuildParser.Parse(bytes, out var errors);

        Assert.Equal("is not valid UTF-8 (byte offset 9): send the JSON encoded as UTF-8", Assert.Single(errors["body"]));
    }
}
