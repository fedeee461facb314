using System.Text.RegularExpressions;
using Bot.TestKit;

namespace Bot.Functions.Tests.Docs;

/// <summary>README.md's "Guarantees" section names the test behind each promise; every name must be a test that exists.</summary>
public partial class GuaranteesDocsTests
{
    [GeneratedRegex(@"`(?<class>[A-Z][A-Za-z0-9]+)\.(?<method>[A-Z][A-Za-z0-9_]+)`")]
    private static partial Regex TestName();

    [Fact]
    public void Guarantees_EveryNamedTest_ExistsInTheTestProjects()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("## Guarantees", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Guarantees' section");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        var names = TestName().Matches(section).Select(m => (Class: m.Groups["class"].Value, Method: m.Groups["method"].Value)).ToList();
        Assert.True(names.Count >= 10, $"expected the section to name its tests, found {names.Count}");

        var sources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);
        var missing = names.Where(n => !sources.Any(s =>
                Regex.IsMatch(s.Value, $@"\bclass {n.Class}\b") && Regex.IsMatch(s.Value, $@"\[(Fact|Theory)[^\]]*\]\s*(\[[^\]]*\]\s*)*public (async Task|void) {n.Method}\(")))
            .Select(n => $"{n.Class}.{n.Method}").ToList();
        Assert.True(missing.Count == 0, "README Guarantees names tests that do not exist: " + string.Join(", ", missing));
    }
}
