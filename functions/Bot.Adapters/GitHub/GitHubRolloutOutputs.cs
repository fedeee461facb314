using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Adapters.GitHub;

/// <summary>What the bot created on GitHub for one rollout, so later notices update instead of creating again.</summary>
/// <param name="LastDeploymentState">The last deployment status posted, so a repeated notice posts nothing.</param>
/// <param name="CheckRunUrl">The check run's page (<c>html_url</c>), which deployment protection answers link.</param>
public sealed record GitHubRolloutOutputs(string RolloutId, long? CheckRunId = null, long? DeploymentId = null, string? LastDeploymentState = null, string? CheckRunUrl = null);
