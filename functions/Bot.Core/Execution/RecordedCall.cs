namespace Bot.Core.Execution;

/// <summary>One call a recording port received: <paramref name="Operation"/> (e.g. <c>setWeight</c>), the target
/// (<c>namespace/virtualService/route</c>) and the argument as text (e.g. <c>10</c>).</summary>
public sealed record RecordedCall(string Operation, string Target, string? Argument)
{
    /// <summary>The traffic write's fence sequence, when it carried one.</summary>
    public long? Sequence { get; init; }
}
