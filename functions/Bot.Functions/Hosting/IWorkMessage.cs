namespace Bot.Functions.Hosting;

/// <summary>Work that travels on a <see cref="WorkQueue{TWork}"/> as one JSON message (Slack work, GitHub deliveries,
/// notifications); its function parses it back.</summary>
public interface IWorkMessage
{
    /// <summary>The queue message.</summary>
    string ToJson();
}
