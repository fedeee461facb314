using Bot.Functions.Hosting;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bot.Functions.Tests.Hosting;

/// <summary>The composition is order-free: the features of <c>AddReleaseBot</c> called in reverse order register exactly the
/// same services (the same implementations, factories and instances' types, the same number of each), so no feature
/// relies on running before or after another.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class CompositionOrderTests(AzuriteFixture azurite)
{
    [Fact]
    public void Features_InReverseOrder_RegisterTheSameServices()
    {
        using var root = new TestAppRoot();
        var forward = Registrations(root, HostingExtensions.Features);
        var reversed = Registrations(root, HostingExtensions.Features.Reverse());

        Assert.Equal(forward.Keys.Order(StringComparer.Ordinal), reversed.Keys.Order(StringComparer.Ordinal));
        var differences = new List<string>();
        foreach (var (service, registrations) in forward)
        {
            // Every registration (what GetServices resolves), and for our own services the winner (what GetService resolves;
            // the framework's option plumbing is resolved as a set, where order does not matter).
            if (!registrations.Order(StringComparer.Ordinal).SequenceEqual(reversed[service].Order(StringComparer.Ordinal)))
                differences.Add($"{service}: [{string.Join(", ", registrations)}] vs [{string.Join(", ", reversed[service])}]");
            else if (service.StartsWith("Bot.", StringComparison.Ordinal) && registrations[^1] != reversed[service][^1])
                differences.Add($"{service}: resolves {registrations[^1]} vs {reversed[service][^1]}");
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public void Features_InReverseOrder_ResolveTheSameRolloutStoreAndDecider()
    {
        using var root = new TestAppRoot();
        using var forward = Build(root, HostingExtensions.Features);
        using var reversed = Build(root, HostingExtensions.Features.Reverse());
        foreach (var type in new[] { typeof(Bot.Core.Ports.IRolloutStore), typeof(Bot.Core.Ports.INotifier), typeof(Bot.Core.Ports.ITrafficRouter) })
            Assert.Equal(forward.GetRequiredService(type).GetType(), reversed.GetRequiredService(type).GetType());
        // The decider reads the freezes (AddFreezes) whichever was called first.
        Assert.Equal(forward.GetRequiredService<Bot.Core.Execution.RolloutDecider>().Method, reversed.GetRequiredService<Bot.Core.Execution.RolloutDecider>().Method);
        Assert.NotEqual(typeof(Bot.Core.Rollouts.RolloutMachine), forward.GetRequiredService<Bot.Core.Execution.RolloutDecider>().Method.DeclaringType);
    }

    private HostApplicationBuilder Builder(TestAppRoot root, IEnumerable<Func<IHostApplicationBuilder, IHostApplicationBuilder>> features)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        foreach (var (key, value) in root.Settings(azurite.ConnectionString, runTriggers: false)) builder.Configuration[key] = value;
        HostingExtensions.AddReleaseBot(builder, features);
        return builder;
    }

    private ServiceProvider Build(TestAppRoot root, IEnumerable<Func<IHostApplicationBuilder, IHostApplicationBuilder>> features) =>
        Builder(root, features).Services.BuildServiceProvider();

    private Dictionary<string, List<string>> Registrations(TestAppRoot root, IEnumerable<Func<IHostApplicationBuilder, IHostApplicationBuilder>> features) =>
        Builder(root, features).Services
            .GroupBy(d => $"{d.ServiceType.FullName ?? d.ServiceType.Name} [{d.ServiceKey}]", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(Describe).ToList(), StringComparer.Ordinal);

    private static string Describe(ServiceDescriptor d)
    {
        var how = d.IsKeyedService
            ? d.KeyedImplementationType?.FullName ?? Method(d.KeyedImplementationFactory?.Method) ?? d.KeyedImplementationInstance?.GetType().FullName
            : d.ImplementationType?.FullName ?? Method(d.ImplementationFactory?.Method) ?? d.ImplementationInstance?.GetType().FullName;
        return $"{d.Lifetime} {how}";
    }

    private static string? Method(System.Reflection.MethodInfo? m) => m is null ? null : $"{m.DeclaringType?.FullName}.{m.Name}";
}
