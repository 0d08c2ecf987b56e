using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// A read-only dictionary with string keys that prints as one table cell: <c>key=value; key=value</c>, in the order
/// the entries were given (<see cref="CellText"/>).
/// </summary>
public sealed class CellMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly KeyValuePair<string, TValue>[] _entries;
    private readonly Dictionary<string, TValue> _lookup;

    public CellMap(IEnumerable<KeyValuePair<string, TValue>> entries, IEqualityComparer<string>? comparer = null)
    {
        _entries = entries.ToArray();
        _lookup = new Dictionary<string, TValue>(_entries, comparer ?? StringComparer.Ordinal);
    }

    public static CellMap<TValue> Empty { get; } = new([]);

    public TValue this[string key] => _lookup[key];
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);
    public IEnumerable<TValue> Values => _entries.Select(e => e.Value);
    public int Count => _entries.Length;
    public bool ContainsKey(string key) => _lookup.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _lookup.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_entries).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => CellText.JoinMap(_entries);

    public static implicit operator CellMap<TValue>(Dictionary<string, TValue> entries) => new(entries, entries.Comparer);
}
