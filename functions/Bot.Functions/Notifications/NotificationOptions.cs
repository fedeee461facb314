namespace Bot.Functions.Notifications;

/// <summary>The notifications outbox, bound from the <c>Notifications</c> section (app settings <c>Notifications__*</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Longest wait before a rate-limited notice is tried again; a longer <c>Retry-After</c> is cut to it (the
    /// retry then meets the limit again and waits once more). The default value is 15 minutes.</summary>
    public TimeSpan MaxDeferral { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Table of the newest notice per rollout and target (coalescing). The default value is <c>notificationstate</c>.</summary>
    public string Table { get; set; } = Bot.Adapters.Storage.TableNoticeLedger.DefaultTable;
}
