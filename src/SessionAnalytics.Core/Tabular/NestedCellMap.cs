using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// A read-only map of maps (<c>family → "FROM->TO" → count</c>) that prints as one flat map cell:
/// <c>tdd RCACI->TDDCI=1; tdd TDDCI->HS=2</c> (<see cref="CellText.JoinNestedMap{TValue}"/>), read back by
/// <see cref="CellText.ParseNestedMap{TValue}"/>.
/// </summary>
public sealed class NestedCellMap<TValue> : IReadOnlyDictionary<string, IReadOnlyDictionary<string, TValue>>
{
    private readonly CellMap<IReadOnlyDictionary<string, TValue>> _map;

    public NestedCellMap(IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, TValue>>> entries, IEqualityComparer<string>? comparer = null) =>
        _map = new CellMap<IReadOnlyDictionary<string, TValue>>(entries, comparer);

    public static NestedCellMap<TValue> Empty { get; } = new([]);

    public IReadOnlyDictionary<string, TValue> this[string key] => _map[key];
    public IEnumerable<string> Keys => _map.Keys;
    public IEnumerable<IReadOnlyDictionary<string, TValue>> Values => _map.Values;
    public int Count => _map.Count;
    public bool ContainsKey(string key) => _map.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IReadOnlyDictionary<string, TValue> value) => _map.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, IReadOnlyDictionary<string, TValue>>> GetEnumerator() => _map.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => CellText.JoinNestedMap(_map);

    public static implicit operator NestedCellMap<TValue>(Dictionary<string, IReadOnlyDictionary<string, TValue>> entries) => new(entries, entries.Comparer);
}
