namespace Bot.Functions.Sweep;

/// <summary>What one sweep did (for the invocation log and the benchmark).</summary>
/// <param name="Due">Due rows read from the index.</param>
/// <param name="Requeued">Overdue step messages enqueued again.</param>
/// <param name="Reminded">Approval reminders sent.</param>
/// <param name="Dropped">Rows that no longer applied (the rollout moved on) and were removed.</param>
/// <param name="Waiting">Rows due but still inside the grace period, left for the next tick.</param>
public sealed record SweepReport(int Due, int Requeued, int Reminded, int Dropped, int Waiting, IReadOnlyList<string> Lines, IReadOnlyList<string> Failures);
