using System.Text.Json.Nodes;

namespace Bot.Functions.Hosting;

/// <summary>One <c>&lt;FunctionName&gt;/function.json</c>: the folder name is the function name.</summary>
/// <param name="Name">Function name (the folder name).</param>
/// <param name="TriggerType"><c>httpTrigger</c>, <c>queueTrigger</c> or <c>timerTrigger</c>.</param>
/// <param name="TriggerBinding">Name of the trigger binding: the key of the trigger value in <c>Data</c>.</param>
/// <param name="QueueName">Queue of a queue trigger.</param>
/// <param name="Schedule">Six-field NCRONTAB schedule of a timer trigger.</param>
/// <param name="RunOnStartup">Timer: also run once when the host starts.</param>
/// <param name="Route">HTTP route below <c>/api</c> (defaults to the function name).</param>
/// <param name="Methods">HTTP methods, lower case; empty means all.</param>
/// <param name="Path">The function.json file, for error messages.</param>
public sealed record FunctionDefinition(
    string Name, string TriggerType, string TriggerBinding, string? QueueName, string? Schedule, bool RunOnStartup,
    string? Route, IReadOnlyList<string> Methods, string Path, JsonObject Json)
{
    public bool IsHttp => TriggerType == "httpTrigger";
    public bool IsQueue => TriggerType == "queueTrigger";
    public bool IsTimer => TriggerType == "timerTrigger";
}
