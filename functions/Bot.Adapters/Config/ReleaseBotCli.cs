using Bot.Core.Text;

namespace Bot.Adapters.Config;

/// <summary>
/// The <c>releasebot</c> command line, as a method tests call in-process. Exit codes: 0 OK, 1 config errors, 2 usage error.
/// </summary>
public static class ReleaseBotCli
{
    public const string Usage = "usage: releasebot validate <file|dir>...   (validate .releasebot.yaml files; a dir means its *.yaml and *.yml)";

    private static readonly string[] Commands = ["validate", "help"];

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        switch (args[0])
        {
            case "help" or "--help" or "-h":
                stdout.WriteLine(Usage);
                return 0;
            case "validate":
                if (args.Count == 1)
                {
                    stderr.WriteLine("releasebot validate: give at least one file or folder");
                    stderr.WriteLine(Usage);
                    return 2;
                }
                return Validate(args.Skip(1).ToList(), stdout, stderr);
            default:
                stderr.WriteLine($"releasebot: unknown command '{args[0]}'{Suggestions.DidYouMean(args[0], Commands)}");
                stderr.WriteLine(Usage);
                return 2;
        }
    }

    private static int Validate(IReadOnlyList<string> paths, TextWriter stdout, TextWriter stderr)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p)) files.AddRange(ReleaseConfigCatalog.FilesIn(p));
            else if (File.Exists(p)) files.Add(p);
            else
            {
                stderr.WriteLine($"releasebot validate: {p}: no such file or folder");
                return 2;
            }
        }
        if (files.Count == 0)
        {
            stderr.WriteLine($"releasebot validate: no *.yaml or *.yml files in {string.Join(", ", paths)}");
            return 2;
        }

        // All inputs form one catalog, so a service defined twice across them is reported too.
        var result = ReleaseConfigCatalog.LoadFiles(files.Distinct(StringComparer.Ordinal));
        foreach (var e in result.Errors) stdout.WriteLine(e.ToString());
        if (!result.Ok)
        {
            var bad = result.Errors.Select(e => e.File).Distinct().Count();
            stdout.WriteLine($"{result.Errors.Count} error(s) in {bad} of {files.Count} file(s)");
            return 1;
        }
        var services = result.Catalog.Services.Order(StringComparer.Ordinal);
        stdout.WriteLine($"OK: {files.Count} file(s), service(s): {string.Join(", ", services)}");
        return 0;
    }
}
