namespace Bot.TestKit;

/// <summary>Finds the repository root (the folder holding Bot.sln) and the shared fixtures beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bot.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"Bot.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => RootLazy.Value;

    /// <summary><c>../shared/fixtures</c> beside the repository, as CI lays it out.</summary>
    public static string Fixtures
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));
            return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"{path} is missing: check out shared/ beside the repository");
        }
    }

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);
}
