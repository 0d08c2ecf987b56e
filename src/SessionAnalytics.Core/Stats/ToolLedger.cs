namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Tool calls: the number of <c>tool_use</c> blocks per tool name (main thread and subagents, each id once), and the
/// name behind each id so a result can be matched to its call.
/// </summary>
internal sealed class ToolLedger
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _results = new(StringComparer.Ordinal);
    // Tool names are kept once per call: one string instance per distinct name.
    private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);

    /// <summary>Records a call; false when its id was seen before (a repeated line).</summary>
    public bool Use(string id, string name)
    {
        if (!_ids.Add(id)) return false;
        if (!_shared.TryGetValue(name, out var shared)) _shared[name] = shared = name;
        _names[id] = shared;
        _counts[shared] = _counts.GetValueOrDefault(shared) + 1;
        return true;
    }

    public string? NameOf(string id) => _names.GetValueOrDefault(id);

    /// <summary>True the first time a result for <paramref name="id"/> is seen.</summary>
    public bool FirstResult(string id) =>
        // The call's instance of the id is kept (when known) rather than the result's copy of it.
        _results.Add(_ids.TryGetValue(id, out var known) ? known : id);

    public Dictionary<string, int> Build() =>
        _counts.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
}
