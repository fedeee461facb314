using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Execution;

/// <summary>Publishes each notice to every registered notifier (Slack, GitHub, ...). All are tried; if any failed,
/// one exception naming each failure is thrown afterwards (the executor notes it and carries on).</summary>
public sealed class CompositeNotifier(IEnumerable<INotifier> notifiers) : INotifier
{
    private readonly INotifier[] _notifiers = [.. notifiers];

    public async Task PublishAsync(Notify notice, CancellationToken ct)
    {
        List<string>? errors = null;
        foreach (var n in _notifiers)
        {
            try { await n.PublishAsync(notice, ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                (errors ??= []).Add($"{n.GetType().Name}: {ex.Message}");
            }
        }
        if (errors is not null) throw new InvalidOperationException(string.Join("; ", errors));
    }
}
