using System.Collections;
using System.Runtime.CompilerServices;

namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// A read-only list that prints as one table cell: its items joined by <c>"; "</c> (<see cref="CellText"/>). Output
/// types declare collection properties with it so <c>Export-Csv</c> writes the items, not the type's name.
/// </summary>
[CollectionBuilder(typeof(CellList), nameof(CellList.Create))]
public sealed class CellList<T> : IReadOnlyList<T>
{
    private readonly T[] _items;

    public CellList(IEnumerable<T> items) => _items = items as T[] ?? items.ToArray();

    public static CellList<T> Empty { get; } = new([]);

    public int Count => _items.Length;
    public T this[int index] => _items[index];
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public override string ToString() => CellText.Join(_items);

    public static implicit operator CellList<T>(T[] items) => new(items);
    public static implicit operator CellList<T>(List<T> items) => new(items);
}

/// <summary>Builds <see cref="CellList{T}"/> from collection expressions (<c>Branches = [a, .. rest]</c>).</summary>
public static class CellList
{
    public static CellList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
