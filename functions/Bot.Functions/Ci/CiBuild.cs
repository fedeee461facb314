namespace Bot.Functions.Ci;

/// <summary>A validated CI notification (the body of <c>POST /api/ci</c>).</summary>
/// <param name="Id">The CI system's unique id for this notification (build id + attempt); redeliveries reuse it.</param>
public sealed record CiBuild(
    string Id, string Service, string Version, CiBuildStatus Status,
    string? Image = null, string? Commit = null, string? Repository = null, string? BuildUrl = null);
