namespace Bot.Functions.Hosting;

/// <summary>Work that travels on a <see cref="WorkQueue{TWork}"/> as one JSON message (Slack work, GitHub deliveries,
/// notifications); the queue parses it back before its <see cref="IWorkHandler{TWork}"/> does it.</summary>
public interface IWorkMessage<TSelf> where TSelf : IWorkMessage<TSelf>
{
    /// <summary>The queue message.</summary>
    string ToJson();

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong (the message is then
    /// poisoned with that reason).</summary>
    static abstract TSelf Parse(string text);
}
