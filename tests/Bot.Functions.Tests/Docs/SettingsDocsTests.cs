using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Adapters.Storage;
using Bot.Functions.Storage;
using Bot.TestKit;
using Microsoft.Extensions.Configuration;

namespace Bot.Functions.Tests.Docs;

/// <summary>README.md must stay true to local.settings.sample.json: every sample setting is documented.</summary>
public partial class SettingsDocsTests
{
    // Indexed and per-name settings are documented once in their generic form: Keys__0__Name as Keys__N__Name,
    // UserGroups__sre as UserGroups__<handle>.
    [GeneratedRegex(@"__\d+__")]
    private static partial Regex Index();

    [Fact]
    public void SampleSettings_EveryKey_IsDocumentedInReadme()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!;
        var keys = sample["Values"]!.AsObject().Select(p => p.Key).ToList();
        Assert.NotEmpty(keys);

        var undocumented = keys.Where(k => !readme.Contains($"`{k}`", StringComparison.Ordinal)
            && !readme.Contains(Index().Replace(k, "__N__"), StringComparison.Ordinal)
            && !(k.StartsWith("Slack__UserGroups__", StringComparison.Ordinal) && readme.Contains("Slack__UserGroups__<handle>", StringComparison.Ordinal)))
            .ToList();

        Assert.True(undocumented.Count == 0, "settings in local.settings.sample.json missing from README.md: " + string.Join(", ", undocumented));
    }

    /// <summary>Every setting an options class binds from its section (a public <c>Section</c> or <c>SectionName</c>
    /// constant) is named in README.md, as <c>Section__Name</c> or <c>Section:Name</c>: a setting nobody can find is as bad
    /// as a documented one nothing binds.</summary>
    [Fact]
    public void BoundSettings_EveryOne_IsNamedInReadme()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var assemblies = new[] { typeof(Bot.Core.Rollouts.RolloutMachine), typeof(StorageOptions), typeof(StorageExtensions) }.Select(t => t.Assembly);
        var sections = assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Select(t => (Type: t, Section: (t.GetField("Section") ?? t.GetField("SectionName"))?.GetRawConstantValue() as string))
            .Where(x => x.Section is not null)
            .ToList();
        Assert.Contains(sections, x => x.Section == "Slack");
        Assert.Contains(sections, x => x.Section == "Sweep");

        var missing = sections
            .SelectMany(x => x.Type.GetProperties().Where(p => p.CanWrite && p.SetMethod!.IsPublic).Select(p => $"{x.Section}__{p.Name}"))
            .Where(setting => !readme.Contains(setting, StringComparison.Ordinal) && !readme.Contains(setting.Replace("__", ":"), StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, "settings bound but not named in README.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void StorageSettings_TheReadmeNames_AreTheOnesBound()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var documented = StorageSetting().Matches(readme).Select(m => m.Groups[1].Value).Distinct().Order().ToList();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:RolloutsTable"] = "botrollouts", ["Storage:AuditTable"] = "botaudit",
        };

        var bound = StorageExtensions.ReadOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Equal(["AuditTable", "RolloutsTable"], documented);
        Assert.Equal(new StorageOptions { RolloutsTable = "botrollouts", AuditTable = "botaudit" }, bound);
    }

    [Theory]
    [InlineData("Storage:StepQueue", "steps", "Storage__StepQueue is not a setting")]
    [InlineData("Storage:AuditTable", "audit-log", "Storage__AuditTable 'audit-log' is not a table name")]
    public void StorageSettings_Wrong_FailNamingTheSetting(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var e = Assert.Throws<InvalidOperationException>(() => StorageExtensions.ReadOptions(configuration));

        Assert.Contains(expected, e.Message);
    }

    [GeneratedRegex(@"`Storage__(\w+)`")]
    private static partial Regex StorageSetting();

    [Fact]
    public void Readme_TestCommand_IsWhatCiRuns()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var ci = File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run"));
        Assert.Contains("bash scripts/test.sh", readme, StringComparison.Ordinal);
        Assert.Contains("bash scripts/test.sh", ci, StringComparison.Ordinal);
    }
}
