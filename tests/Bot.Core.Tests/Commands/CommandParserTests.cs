using Bot.Core.Commands;

namespace Bot.Core.Tests.Commands;

public class CommandParserTests
{
    private static readonly CommandParseOptions Known = new() { KnownServices = ["checkout", "payments", "search-api"] };

    public static TheoryData<string, ReleaseCommand> Valid => new()
    {
        { "deploy checkout 1.4.2", new DeployCommand("checkout", "1.4.2") },
        { "/release deploy checkout v1.4.2", new DeployCommand("checkout", "v1.4.2") },
        { "  DEPLOY   Checkout  1.4.2 ", new DeployCommand("checkout", "1.4.2") },
        { "status", new StatusCommand(null) },
        { "status payments", new StatusCommand("payments") },
        { "Approve checkout", new ApproveCommand("checkout") },
        { "rollback checkout", new RollbackCommand("checkout", null) },
        { "rollback checkout error rate above 5% since don't-know", new RollbackCommand("checkout", "error rate above 5% since don't-know") },
        { "rollback checkout \"p99 latency\" 'x 2'", new RollbackCommand("checkout", "p99 latency x 2") },
        { "rollback checkout “smart quotes from slack”", new RollbackCommand("checkout", "smart quotes from slack") },
        { "pause checkout", new PauseCommand("checkout") },
        { "resume checkout", new ResumeCommand("checkout") },
        { "promote checkout", new PromoteCommand("checkout") },
        { "abort checkout", new AbortCommand("checkout") },
        { "restore checkout", new RestoreCommand("checkout", null) },
        { "Restore checkout left at 10% after the storage outage", new RestoreCommand("checkout", "left at 10% after the storage outage") },
        // A rollout id where the service goes binds the command to that rollout.
        { "rollback checkout-12 bad latency", new RollbackCommand("checkout", "bad latency") { RolloutId = "checkout-12" } },
        { "approve Search-API-3", new ApproveCommand("search-api") { RolloutId = "search-api-3" } },
        { "abort payments-1", new AbortCommand("payments") { RolloutId = "payments-1" } },
        { "history checkout", new HistoryCommand("checkout", 10) },
        { "history checkout 25", new HistoryCommand("checkout", 25) },
        { "freeze all", new FreezeCommand(null, null, null) },
        { "freeze ALL for 2h incident 4711", new FreezeCommand(null, TimeSpan.FromHours(2), "incident 4711") },
        { "freeze checkout black friday", new FreezeCommand("checkout", null, "black friday") },
        { "freeze checkout for 1d30m", new FreezeCommand("checkout", new TimeSpan(1, 0, 30, 0), null) },
        { "unfreeze all", new UnfreezeCommand(null) },
        { "unfreeze payments", new UnfreezeCommand("payments") },
        { "help", new HelpCommand(null) },
        { "help Deploy", new HelpCommand("deploy") },
        { "", new HelpCommand(null) },
        { "/release", new HelpCommand(null) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_ValidText_TypedCommand(string text, ReleaseCommand expected)
    {
        var r = CommandParser.Parse(text, Known);
        Assert.Null(r.Error);
        Assert.Equal(expected, r.Command);
    }

    [Theory]
    [InlineData("aprove checkout", "unknown command 'aprove'; did you mean 'approve'?", null)]
    [InlineData("rolback checkout", "unknown command 'rolback'; did you mean 'rollback'?", null)]
    [InlineData("approve chekout", "unknown service 'chekout'; did you mean 'checkout'?", "/release approve <service|rollout-id>")]
    [InlineData("deploy paymnets 2.0", "unknown service 'paymnets'; did you mean 'payments'?", "/release deploy <service> <version>")]
    [InlineData("approve inventory", "unknown service 'inventory'; known services: checkout, payments, search-api", "/release approve <service|rollout-id>")]
    [InlineData("approve", "missing <service>", "/release approve <service|rollout-id>")]
    [InlineData("deploy checkout", "missing <version> for checkout", "/release deploy <service> <version>")]
    [InlineData("deploy", "missing <service> and <version>", "/release deploy <service> <version>")]
    [InlineData("approve checkout now", "too many arguments: expected at most 1, got 2 ('checkout' 'now'); quote an argument that has spaces", "/release approve <service|rollout-id>")]
    [InlineData("history checkout lots", "'lots' is not a count: give a whole number from 1 to 100", "/release history <service> [n]")]
    [InlineData("history checkout 500", "'500' is not a count: give a whole number from 1 to 100", "/release history <service> [n]")]
    [InlineData("freeze checkout for", "missing <duration> after 'for' (e.g. for 2h)", "/release freeze <service|all> [for <duration>] [reason…]")]
    [InlineData("freeze checkout for ever", "'ever' is not a duration: write it like 30m, 2h, 1d or 1h30m", "/release freeze <service|all> [for <duration>] [reason…]")]
    [InlineData("unfreeze", "missing <service|all>", "/release unfreeze <service|all>")]
    [InlineData("help depoy", "no help for 'depoy'; did you mean 'deploy'?", "/release help [command]")]
    public void Parse_BadText_ErrorWithUsage(string text, string error, string? usage)
    {
        var r = CommandParser.Parse(text, Known);
        Assert.Null(r.Command);
        Assert.Equal(error, r.Error);
        Assert.Equal(usage ?? CommandParser.Help, r.Usage);
        Assert.Contains("usage: /release", r.Message);
    }

    [Fact]
    public void Parse_UnclosedQuote_Error() =>
        Assert.Equal("unclosed quote: add the closing \"", CommandParser.Parse("rollback checkout \"bad deploy", Known).Error);

    [Fact]
    public void Parse_NoKnownServices_AcceptsAnyServiceLowercased() =>
        Assert.Equal(new ApproveCommand("inventory"), CommandParser.Parse("approve Inventory").Command);

    private static readonly CommandParseOptions OnPr = Known with { DefaultService = "checkout" };

    public static TheoryData<string, ReleaseCommand> PrComments => new()
    {
        { "/release approve", new ApproveCommand("checkout") },
        { "/release approve payments", new ApproveCommand("payments") },
        { "/release deploy 1.5.0", new DeployCommand("checkout", "1.5.0") },
        { "/release rollback", new RollbackCommand("checkout", null) },
        { "/release rollback error budget burnt", new RollbackCommand("checkout", "error budget burnt") },
        { "/release rollback checkout error budget burnt", new RollbackCommand("checkout", "error budget burnt") },
        { "/release status", new StatusCommand("checkout") },
        { "/release history 3", new HistoryCommand("checkout", 3) },
        { "/release freeze for 2h release party", new FreezeCommand("checkout", TimeSpan.FromHours(2), "release party") },
        { "/release unfreeze", new UnfreezeCommand("checkout") },
        { "/release promote", new PromoteCommand("checkout") },
    };

    [Theory]
    [MemberData(nameof(PrComments))]
    public void Parse_WithDefaultService_ServiceMayBeOmitted(string text, ReleaseCommand expected) =>
        Assert.Equal(expected, CommandParser.Parse(text, OnPr).Command);

    [Fact]
    public void Parse_ReleaseInsideAWord_IsNotThePrefix() =>
        Assert.Equal("unknown command '/releasenotes'", CommandParser.Parse("/releasenotes checkout").Error);
}
