using System.Reflection;

namespace Bot.Benchmarks;

/// <summary>A benchmark that prints a report. Each lives in its own file; Program finds them by reflection.</summary>
public interface IBenchmark
{
    /// <summary>Name used on the command line, e.g. <c>engine</c>.</summary>
    string Name { get; }
    string Description { get; }
    Task RunAsync(TextWriter report, CancellationToken ct);
}

public static class Program
{
    /// <summary>Usage: <c>dotnet run -c Release --project tests/Bot.Benchmarks -- [name…|all]</c>.</summary>
    public static async Task<int> Main(string[] args)
    {
        var all = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var wanted = args.Length == 0 || args.Contains("all") ? all : all.Where(b => args.Contains(b.Name)).ToList();
        if (wanted.Count == 0)
        {
            Console.Error.WriteLine("unknown benchmark; available: " + string.Join(", ", all.Select(b => $"{b.Name} ({b.Description})")));
            return 2;
        }
        foreach (var b in wanted)
        {
            Console.WriteLine($"== {b.Name}: {b.Description}");
            await b.RunAsync(Console.Out, CancellationToken.None);
            Console.WriteLine();
        }
        return 0;
    }
}
