using Bot.TestKit;

namespace Bot.Functions.Tests.Support;

/// <summary>The Bot.Functions build this test run uses (same configuration): the folder holding <c>Bot.Functions.dll</c>,
/// the <c>functions.metadata</c> the worker SDK wrote, and the copy of host.json.</summary>
internal static class BuildOutput
{
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", Configuration, "net10.0");

    public static string Dll => Path.Combine(Folder, "Bot.Functions.dll");

    public static string FunctionsMetadata => Path.Combine(Folder, "functions.metadata");
}
