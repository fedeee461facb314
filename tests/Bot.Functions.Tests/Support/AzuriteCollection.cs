using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Support;

[CollectionDefinition(AzuriteFixture.Collection)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>;
