namespace Bot.Functions.Hosting;

/// <summary>Does one kind of queued work (<see cref="WorkQueue{TWork}"/>): whether the queue's trigger delivered it or it
/// runs in the process that accepted it. Resolved in a fresh DI scope per piece of work.</summary>
public interface IWorkHandler<in TWork>
{
    /// <summary>Does <paramref name="work"/>; returns the outcome to log. Throws when it failed: the queue retries it and
    /// finally moves it to <c>&lt;queue&gt;-poison</c> with the reason.</summary>
    Task<string> HandleAsync(TWork work, CancellationToken ct);
}
