using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using TimerInfo = Microsoft.Azure.Functions.Worker.TimerInfo;

namespace Bot.Functions.Hosting;

/// <summary>
/// Calls a function's entry point as the isolated worker does: a fresh instance of its class per invocation, made by
/// <see cref="ActivatorUtilities"/> from the invocation's services, and its method with the trigger value, the route
/// values by parameter name and the cancellation token. An HTTP function's <see cref="IActionResult"/> is executed on the
/// request, as the worker's ASP.NET Core integration executes it. Parameters the standalone host cannot bind fail start-up.
/// </summary>
public sealed class FunctionInvoker
{
    private readonly MethodInfo _method;
    private readonly ParameterInfo[] _parameters;

    public FunctionInvoker(FunctionDefinition function, Assembly assembly)
    {
        Function = function;
        var dot = function.EntryPoint.LastIndexOf('.');
        var type = dot > 0 ? assembly.GetType(function.EntryPoint[..dot]) : null;
        _method = type?.GetMethod(function.EntryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{function.Path}: {function.Name}'s entry point {function.EntryPoint} is not a public method in {assembly.GetName().Name}");
        _parameters = _method.GetParameters();
        var trigger = _parameters.SingleOrDefault(p => p.Name == function.TriggerBinding)
            ?? throw new InvalidOperationException($"{function.EntryPoint}: no parameter '{function.TriggerBinding}' for the trigger");
        var expected = function.IsHttp ? typeof(HttpRequest) : function.IsQueue ? typeof(string) : typeof(TimerInfo);
        if (trigger.ParameterType != expected)
            throw new InvalidOperationException($"{function.EntryPoint}: the standalone host binds a {function.TriggerType} to {expected.Name}, not {trigger.ParameterType.Name}");
        foreach (var p in _parameters.Where(p => p != trigger && p.ParameterType != typeof(CancellationToken)))
        {
            if (!function.IsHttp || p.ParameterType != typeof(string) || function.Route?.Contains("{" + p.Name, StringComparison.Ordinal) != true)
                throw new InvalidOperationException($"{function.EntryPoint}: parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound by the standalone host (trigger, route values as string, CancellationToken)");
        }
    }

    public FunctionDefinition Function { get; }

    /// <summary>Runs a queue function on one message's text; throws when the function failed.</summary>
    public Task InvokeQueueAsync(IServiceProvider services, string message, CancellationToken ct) =>
        InvokeAsync(services, p => p.Name == Function.TriggerBinding ? message : null, ct);

    /// <summary>Runs a timer function.</summary>
    public Task InvokeTimerAsync(IServiceProvider services, TimerInfo timer, CancellationToken ct) =>
        InvokeAsync(services, p => p.Name == Function.TriggerBinding ? timer : null, ct);

    /// <summary>Runs an HTTP function on the request and writes its answer.</summary>
    public async Task InvokeHttpAsync(HttpContext http)
    {
        var result = await InvokeAsync(http.RequestServices,
            p => p.Name == Function.TriggerBinding ? http.Request : http.Request.RouteValues[p.Name!]?.ToString(), http.RequestAborted);
        if (result is IActionResult answer)
            await answer.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
    }

    private async Task<object?> InvokeAsync(IServiceProvider services, Func<ParameterInfo, object?> bind, CancellationToken ct)
    {
        var instance = _method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, _method.DeclaringType!);
        var args = _parameters.Select(p => p.ParameterType == typeof(CancellationToken) ? ct : bind(p)).ToArray();
        var returned = _method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, args, null);
        if (returned is not Task task) return returned;
        await task;
        var type = task.GetType();
        return type.IsGenericType ? type.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }
}
