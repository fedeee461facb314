namespace Bot.TestKit.Kubernetes;

/// <summary>One request the double received, and its answer.</summary>
public sealed record RecordedRequest(string Method, string Path, string? ContentType, string? Body, string? User, int Status);
