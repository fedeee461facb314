using System.ComponentModel.DataAnnotations;

namespace Bot.Functions.Api;

/// <summary>One API key and whose it is.</summary>
public sealed class ApiKey
{
    /// <summary>Actor name recorded in audit (e.g. <c>alice</c>, <c>ci-pipeline</c>).</summary>
    public string Name { get; set; } = "";
    /// <summary>The secret; never logged.</summary>
    public string Key { get; set; } = "";
    /// <summary>Who the key stands for in release configs: a Slack user ID, a GitHub login or an <c>@group</c> handle
    /// (<c>deployers</c>/<c>approvers</c> match it as well as <see cref="Name"/>). The default value is null (the name only).</summary>
    public string? Identity { get; set; }

    /// <summary>The actor a request with this key acts as.</summary>
    public Bot.Core.Rollouts.Actor Actor() => new(Name, Name, "api") { Identity = string.IsNullOrWhiteSpace(Identity) ? null : Identity.Trim() };
}
