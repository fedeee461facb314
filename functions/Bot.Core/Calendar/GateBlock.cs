using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>Why a step may not run yet.</summary>
public enum GateBlock { None, Freeze, Window, Schedule }
