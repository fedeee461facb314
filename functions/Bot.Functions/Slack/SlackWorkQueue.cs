using System.Threading.Channels;

namespace Bot.Functions.Slack;

/// <summary>
/// In-process hand-off between the endpoints (which must answer Slack within 3 s) and <see cref="SlackWorker"/>.
/// Bounded so a flood cannot exhaust memory: when full, the endpoint says "busy, try again" instead of blocking.
/// </summary>
public sealed class SlackWorkQueue
{
    private readonly Channel<SlackWork> _channel = Channel.CreateBounded<SlackWork>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(SlackWork work) => _channel.Writer.TryWrite(work);

    public IAsyncEnumerable<SlackWork> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);
}
