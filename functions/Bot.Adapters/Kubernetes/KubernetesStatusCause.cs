namespace Bot.Adapters.Kubernetes;

/// <summary>One entry of a Status body's <c>details.causes</c>: e.g. reason <c>FieldValueInvalid</c>, field <c>spec.http[0].route[0].weight</c>.</summary>
public sealed record KubernetesStatusCause(string? Reason, string? Message, string? Field)
{
    public override string ToString() => Field is null ? $"{Reason}: {Message}" : $"{Field}: {Message} ({Reason})";
}
