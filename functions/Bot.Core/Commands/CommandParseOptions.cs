namespace Bot.Core.Commands;

/// <summary>Context for <see cref="CommandParser.Parse"/>.</summary>
public sealed record CommandParseOptions
{
    /// <summary>Services the bot knows (the config catalog). When set, an unknown service is an error with a
    /// did-you-mean; when null, any service name is accepted. The default value is null.</summary>
    public IReadOnlyCollection<string>? KnownServices { get; init; }

    /// <summary>The service to use when the command omits it (a PR comment on the service's repository:
    /// <c>/release approve</c>). The default value is null: the service is required.</summary>
    public string? DefaultService { get; init; }
}
