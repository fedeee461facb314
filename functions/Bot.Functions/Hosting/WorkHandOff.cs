namespace Bot.Functions.Hosting;

/// <summary>What <see cref="WorkQueue.RunOrEnqueueAsync"/> did before the caller answers: the work is done, or it is on the
/// queue (running here under a lease, or left to the trigger).</summary>
public enum WorkHandOff { Done, Queued }
