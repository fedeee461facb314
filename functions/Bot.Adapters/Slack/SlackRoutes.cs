namespace Bot.Adapters.Slack;

/// <summary>Web API method paths, relative to <see cref="SlackOptions.ApiBaseUrl"/>.</summary>
public static class SlackRoutes
{
    public const string PostMessage = "chat.postMessage";
    public const string Update = "chat.update";
    public const string PostEphemeral = "chat.postEphemeral";
    public const string GetPermalink = "chat.getPermalink";
    public const string UserGroupUsers = "usergroups.users.list";
    public const string UsersInfo = "users.info";
}
