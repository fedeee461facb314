using Bot.Functions.Hosting;

namespace Bot.Functions.Standalone;

/// <summary>The standalone host's HTTP side: each HTTP function of functions.metadata mapped at
/// <c>/{routePrefix}/{route}</c> with its methods, invoking the function's own method (<see cref="FunctionInvoker"/>).
/// Every endpoint carries <see cref="FunctionNameMetadata"/>.</summary>
public static class HttpFunctionEndpoints
{
    /// <summary>Maps every HTTP function, or only those named in <paramref name="only"/> (tests of one feature).</summary>
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app, params string[] only)
    {
        var catalog = app.ServiceProvider.GetRequiredService<FunctionCatalog>();
        var assembly = typeof(HttpFunctionEndpoints).Assembly;
        foreach (var f in catalog.Functions.Where(f => f.IsHttp && (only.Length == 0 || only.Contains(f.Name, StringComparer.OrdinalIgnoreCase))))
        {
            var invoker = new FunctionInvoker(f, assembly);
            var pattern = "/" + string.Join('/', new[] { catalog.RoutePrefix, f.Route!.Trim('/') }.Where(s => s.Length > 0));
            var methods = f.Methods.Count == 0 ? null : f.Methods.Select(m => m.ToUpperInvariant()).ToArray();
            var endpoint = methods is null ? app.Map(pattern, invoker.InvokeHttpAsync) : app.MapMethods(pattern, methods, invoker.InvokeHttpAsync);
            endpoint.WithDisplayName(f.Name).WithMetadata(new FunctionNameMetadata(f.Name));
        }
        return app;
    }
}
