using Bot.Adapters.Pages;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.Tests.Pages;

public class PageLinksTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly PageKey K1 = new() { Id = "k1", Secret = "old-secret-0123456789abcdef0123456789" };
    private static readonly PageKey K2 = new() { Id = "k2", Secret = "new-secret-0123456789abcdef0123456789" };

    private static PageLinks Links(params PageKey[] keys) =>
        new(Options.Create(new PageOptions { BaseUrl = "https://releasebot.example.com/", Keys = [.. keys] }));

    private static (string Kid, string Exp, string Sig) Parts(Uri link)
    {
        var q = System.Web.HttpUtility.ParseQueryString(link.Query);
        return (q["kid"]!, q["exp"]!, q["sig"]!);
    }

    [Fact]
    public void Rollout_SignedLink_OpensItsPageUntilItExpires()
    {
        var links = Links(K1);
        var link = links.Rollout("checkout-7", Now)!;
        var (kid, exp, sig) = Parts(link);

        Assert.StartsWith("https://releasebot.example.com/api/pages/rollouts/checkout-7?kid=k1&exp=", link.AbsoluteUri);
        Assert.True(links.Verify(PageLinks.RolloutKind, "checkout-7", kid, exp, sig, Now.AddDays(7).AddSeconds(-1), out var expires));
        Assert.Equal(Now.AddDays(7), expires);
        Assert.False(links.Verify(PageLinks.RolloutKind, "checkout-7", kid, exp, sig, Now.AddDays(7).AddSeconds(1), out _));
    }

    [Theory]
    [InlineData("subject")]
    [InlineData("kind")]
    [InlineData("exp")]
    [InlineData("sig")]
    [InlineData("kid")]
    public void Verify_AnyPartChanged_IsRefused(string changed)
    {
        var links = Links(K1, K2);
        var (kid, exp, sig) = Parts(links.Rollout("checkout-7", Now)!);
        var ok = links.Verify(
            changed == "kind" ? PageLinks.ServiceKind : PageLinks.RolloutKind,
            changed == "subject" ? "checkout-8" : "checkout-7",
            changed == "kid" ? "k2" : kid,
            changed == "exp" ? (long.Parse(exp, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture) : exp,
            changed == "sig" ? (sig[0] == 'A' ? "B" : "A") + sig[1..] : sig,
            Now, out _);

        Assert.False(ok);
    }

    [Theory]
    [InlineData(null, "1", "x")]
    [InlineData("k1", "-5", "x")]
    [InlineData("k1", "99999999999999999999", "x")]
    [InlineData("nope", "1900000000", "x")]
    [InlineData("k1", "1900000000", "%%%")]
    public void Verify_Malformed_IsRefusedWithoutThrowing(string? kid, string exp, string sig) =>
        Assert.False(Links(K1).Verify(PageLinks.RolloutKind, "checkout-7", kid, exp, sig, Now, out _));

    [Fact]
    public void Rotation_NewKeyFirst_SignsWithItAndStillOpensTheOldKeysLinks()
    {
        var old = Parts(Links(K1).Rollout("checkout-7", Now)!);
        var rotated = Links(K2, K1);

        Assert.Equal("k2", Parts(rotated.Rollout("checkout-7", Now)!).Kid);
        Assert.True(rotated.Verify(PageLinks.RolloutKind, "checkout-7", old.Kid, old.Exp, old.Sig, Now, out _));
        Assert.False(Links(K2).Verify(PageLinks.RolloutKind, "checkout-7", old.Kid, old.Exp, old.Sig, Now, out _));
    }

    [Fact]
    public void Links_WithoutBaseUrlOrKeys_AreNotMade()
    {
        Assert.Null(new PageLinks(Options.Create(new PageOptions { Keys = [K1] })).Rollout("checkout-7", Now));
        Assert.Null(new PageLinks(Options.Create(new PageOptions { BaseUrl = "https://releasebot.example.com" })).Service("checkout", Now));
    }

    [Fact]
    public void Options_Wrong_SayWhatToFix()
    {
        var o = new PageOptions { BaseUrl = "releasebot", Keys = [new PageKey { Id = "k 1", Secret = "tiny-secret" }, new PageKey { Id = "k 1", Secret = "tiny-secret" }], LinkLifetime = TimeSpan.FromDays(365) };
        var errors = o.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(o)).Select(e => e.ErrorMessage!).ToList();

        Assert.Contains(errors, e => e.StartsWith("Pages:BaseUrl 'releasebot' is not an http(s) URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pages:LinkLifetime", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pages:Keys:0:Id 'k 1'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pages:Keys:1:Secret is shorter than 32", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("the id 'k 1' is used by 2 keys", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("tiny-secret", StringComparison.Ordinal));
    }
}
