using Bot.Adapters.Pages;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Hosting;

namespace Bot.Functions.Pages;

/// <summary>
/// The rollout and service pages (function <c>Pages</c>): server-rendered HTML that a signed, expiring link from the
/// Slack message or check run opens (<c>?kid=…&amp;exp=…&amp;sig=…</c>), or a command API key
/// (<c>Authorization: Bearer</c>). Anything else — no link, a tampered or expired one, a link for another page — is a 403
/// that shows nothing, decided before any lookup.
/// </summary>
public static class PageEndpoints
{
    internal static async Task<IResult> RolloutAsync(string id, HttpContext http, PageLinks links, ApiKeyFilter keys, IRolloutStore store,
        IAuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Access(http, links, keys, PageLinks.RolloutKind, id, now) is not { } access) return Forbidden();
        if (await CommandApi.FindAsync(store, id, ct) is not { } rollout) return NotFound($"no rollout '{id}'");
        var events = await audit.ListAsync(rollout.Service, rollout.Id, ct);
        var serviceQuery = links.Query(PageLinks.ServiceKind, rollout.Service, access.Expires ?? now + links.Lifetime);
        var html = RolloutPage.Render(new RolloutPageModel(rollout, events, now,
            serviceQuery is null ? null : $"../services/{Uri.EscapeDataString(rollout.Service)}?{serviceQuery}"));
        return Html(http, html);
    }

    internal static async Task<IResult> ServiceAsync(string service, HttpContext http, PageLinks links, ApiKeyFilter keys, IRolloutStore store,
        IReleaseConfigs configs, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Access(http, links, keys, PageLinks.ServiceKind, service, now) is not { } access) return Forbidden();
        if (!CommandRequests.IsServiceName(service) || await CommandApi.RecentAsync(store, configs, service, 20, ct) is not { } rollouts)
            return NotFound($"no service '{service}'");
        // A link from this page opens a rollout page no longer than this page's own link.
        var expires = access.Expires ?? now + links.Lifetime;
        var html = ServicePage.Render(new ServicePageModel(service, rollouts, now,
            id => links.Query(PageLinks.RolloutKind, id, expires) is { } q ? $"../rollouts/{Uri.EscapeDataString(id)}?{q}" : null));
        return Html(http, html);
    }

    /// <summary>How the request may see the page: by a signed link (until its expiry) or a command API key; null: not at all.</summary>
    private static PageAccess? Access(HttpContext http, PageLinks links, ApiKeyFilter keys, string kind, string subject, DateTimeOffset now)
    {
        var q = http.Request.Query;
        if (q.ContainsKey("sig"))
            return links.Verify(kind, subject, q["kid"], q["exp"], q["sig"], now, out var expires) ? new PageAccess(expires) : null;
        return keys.Match(http.Request.Headers.Authorization.ToString()) is not null ? new PageAccess(null) : null;
    }

    private sealed record PageAccess(DateTimeOffset? Expires);

    private static IResult Html(HttpContext http, string html)
    {
        var h = http.Response.Headers;
        // The link is the credential: keep it out of caches, referrers and search engines; the page needs no script.
        h.CacheControl = "no-store";
        h["Referrer-Policy"] = "no-referrer";
        h["X-Robots-Tag"] = "noindex";
        h["X-Content-Type-Options"] = "nosniff";
        h.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static IResult Forbidden() => TypedResults.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden,
        detail: "this link is not valid (expired, changed, or for another page); open the page from the rollout's Slack message or check run");

    private static IResult NotFound(string detail) => TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);
}
