using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Sweep;

/// <summary>One Azurite for the sweep and CI tests of this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class SchedAzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "sched-azurite";
}
