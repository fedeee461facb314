namespace Bot.Functions.Hosting;

/// <summary>One function of the build's <c>functions.metadata</c> (written by the worker SDK from a <c>[Function]</c> method).</summary>
/// <param name="Name">Function name (<c>[Function(Name)]</c>).</param>
/// <param name="TriggerType"><c>httpTrigger</c>, <c>queueTrigger</c> or <c>timerTrigger</c>.</param>
/// <param name="TriggerBinding">The trigger's binding name: the method parameter that receives the request, message or timer.</param>
/// <param name="QueueName">Queue of a queue trigger.</param>
/// <param name="Schedule">Six-field NCRONTAB schedule of a timer trigger, or an app setting as <c>%Name%</c>.</param>
/// <param name="RunOnStartup">Timer: also run once when the host starts.</param>
/// <param name="Route">HTTP route below the route prefix (defaults to the function name).</param>
/// <param name="Methods">HTTP methods, lower case; empty means all.</param>
/// <param name="EntryPoint">The method the hosts invoke: <c>Namespace.Type.Method</c>.</param>
/// <param name="Path">The functions.metadata file, for error messages.</param>
public sealed record FunctionDefinition(
    string Name, string TriggerType, string TriggerBinding, string? QueueName, string? Schedule, bool RunOnStartup,
    string? Route, IReadOnlyList<string> Methods, string EntryPoint, string Path)
{
    public bool IsHttp => TriggerType == "httpTrigger";
    public bool IsQueue => TriggerType == "queueTrigger";
    public bool IsTimer => TriggerType == "timerTrigger";
}
