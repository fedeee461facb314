namespace Bot.Adapters.Storage;

/// <summary>Runs a creation step (create table/queue) until it succeeds once, then never again. A failure is not
/// cached: the next call tries again.</summary>
internal sealed class EnsureOnce(Func<CancellationToken, Task> create)
{
    private volatile bool _done;

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (_done) return;
        await create(ct).ConfigureAwait(false);
        _done = true;
    }
}
