using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

/// <summary>One Azurite for every storage test class in this assembly.</summary>
[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
