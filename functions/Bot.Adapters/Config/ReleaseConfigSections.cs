using Bot.Adapters.Config.Sections;

namespace Bot.Adapters.Config;

/// <summary>The optional top-level sections the parser knows, besides the required service, namespace, cluster, route and steps.
/// Add a section here (one line) after writing its <see cref="IConfigSection"/>.</summary>
public static class ReleaseConfigSections
{
    public static IReadOnlyList<IConfigSection> All { get; } =
    [
        new DeploymentsSection(),
        new PolicySection(),
        new ChatSection(),
        new GitHubSection(),
        new TriggerSection(),
        new PeopleSection("deployers"),
        new PeopleSection("approvers"),
        new Scheduling.WindowSection(),
        new AnalysisSection(),
    ];
}
