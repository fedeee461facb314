using System.Text.Json.Nodes;

namespace Bot.TestKit.Kubernetes;

/// <summary>One rule of an RBAC Role: <c>apiGroups</c>, <c>resources</c>, <c>verbs</c>, optional <c>resourceNames</c>.</summary>
public sealed record RbacRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames)
{
    public bool Allows(string verb, string group, string resource, string? name) =>
        (ApiGroups.Contains("*") || ApiGroups.Contains(group))
        && (Resources.Contains("*") || Resources.Contains(resource))
        && (Verbs.Contains("*") || Verbs.Contains(verb))
        && (ResourceNames.Count == 0 || (name is not null && ResourceNames.Contains(name)));

    /// <summary>The rules of a Role manifest (<c>kind: Role</c> or <c>ClusterRole</c>).</summary>
    public static IReadOnlyList<RbacRule> FromRole(JsonObject role) =>
        (role["rules"] as JsonArray ?? []).OfType<JsonObject>().Select(r => new RbacRule(
            List(r["apiGroups"]), List(r["resources"]), List(r["verbs"]), List(r["resourceNames"]))).ToList();

    private static List<string> List(JsonNode? n) => (n as JsonArray ?? []).Select(x => (string?)x ?? "").ToList();
}
