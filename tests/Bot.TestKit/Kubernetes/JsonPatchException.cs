namespace Bot.TestKit.Kubernetes;

/// <summary>A JSON patch could not be applied (<see cref="Malformed"/>: the document itself is wrong, which the API server answers with 400).</summary>
public sealed class JsonPatchException(string message, bool malformed = false) : Exception(message)
{
    public bool Malformed { get; } = malformed;
}
