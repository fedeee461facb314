using System.Text.Json.Nodes;

namespace Bot.Adapters.Kubernetes;

/// <summary>Result of a pure route transform: the new <c>spec.http</c> (a copy; the input is never modified) and whether it differs.</summary>
public sealed record RouteEdit(JsonArray Http, bool Changed);
