namespace Bot.Functions.Invocations;

/// <summary>The registered handlers by function name (case-insensitive, as the host matches names).</summary>
public sealed class FunctionHandlers
{
    private readonly Dictionary<string, IFunctionHandler> _byName;

    public FunctionHandlers(IEnumerable<IFunctionHandler> handlers)
    {
        _byName = new(StringComparer.OrdinalIgnoreCase);
        foreach (var h in handlers)
        {
            if (!_byName.TryAdd(h.FunctionName, h))
                throw new InvalidOperationException($"two handlers for function '{h.FunctionName}': {_byName[h.FunctionName].GetType().Name} and {h.GetType().Name}");
        }
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IFunctionHandler? Find(string name) => _byName.GetValueOrDefault(name);
}
