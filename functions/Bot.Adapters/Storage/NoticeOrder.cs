namespace Bot.Adapters.Storage;

/// <summary>
/// Orders the notices of one rollout, oldest first: the snapshot's <c>UpdatedAt</c> (ticks; decisions of one service are
/// serialised by its state's ETag, so a later decision has a later time), then the stamp the outbox gave the notice when it
/// enqueued it (notices of one decision share <c>UpdatedAt</c> and are enqueued in order).
/// </summary>
public readonly record struct NoticeOrder(long UpdatedTicks, long Stamp) : IComparable<NoticeOrder>
{
    public int CompareTo(NoticeOrder other)
    {
        var c = UpdatedTicks.CompareTo(other.UpdatedTicks);
        return c != 0 ? c : Stamp.CompareTo(other.Stamp);
    }

    public static bool operator <(NoticeOrder a, NoticeOrder b) => a.CompareTo(b) < 0;
    public static bool operator >(NoticeOrder a, NoticeOrder b) => a.CompareTo(b) > 0;
    public static bool operator <=(NoticeOrder a, NoticeOrder b) => a.CompareTo(b) <= 0;
    public static bool operator >=(NoticeOrder a, NoticeOrder b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{new DateTimeOffset(UpdatedTicks, TimeSpan.Zero):O}#{Stamp}";
}
