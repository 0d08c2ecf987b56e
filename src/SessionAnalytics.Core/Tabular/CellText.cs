using System.Globalization;
using System.Text;

namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// The one-cell text form of collections and its parser. Items are separated by <c>"; "</c>; a map's entries are
/// <c>key=value</c>. Inside an item a backslash escapes <c>;</c>, <c>=</c> and itself, so any text survives the round
/// trip (except whitespace around an item, which the parser trims).
/// </summary>
/// <remarks>
/// Items that implement <see cref="ICellText"/> write their own form and escape their own parts: with
/// <see cref="Escape"/> for free text, with <see cref="Word"/> for a part that ends at the next space. Their readers take
/// the raw items (<see cref="Items"/>), cut them at unescaped separators (<see cref="SplitFirst"/>) and unescape the
/// parts (<see cref="Unescape"/>, <see cref="ReadWord"/>).
/// </remarks>
public static class CellText
{
    public const string Separator = "; ";

    /// <summary>What <see cref="Word"/> writes for null.</summary>
    public const string NoWord = "-";

    /// <summary>A regular-expression fragment matching one escaped word as <see cref="Word"/> writes it (no unescaped space).</summary>
    public const string WordPattern = @"(?:\\.|[^\\\s])+";

    /// <summary>Invariant text of a value: numbers with '.' and no grouping, dates in ISO 8601.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        ICellText c => c.ToCellText(),
        DateTimeOffset d => d.ToString("o", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("o", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The text of one item or map value in a cell: an <see cref="ICellText"/> as it writes itself, anything else escaped.</summary>
    public static string Cell(object? value) => value is ICellText c ? c.ToCellText() : Escape(Format(value));

    public static string Escape(string item) => Escape(item, space: false);

    /// <summary>
    /// One part of an item that ends at the next space (an id, a model, a type): escaped like any item, spaces too.
    /// Null is <see cref="NoWord"/>; the text "-" itself is written <c>\-</c>, so <see cref="ReadWord"/> tells them apart.
    /// </summary>
    public static string Word(string? text) => text switch
    {
        null => NoWord,
        NoWord => "\\" + NoWord,
        _ => Escape(text, space: true),
    };

    /// <summary>The text of a <see cref="Word"/>: null for <see cref="NoWord"/>, else unescaped.</summary>
    public static string? ReadWord(string raw) => raw == NoWord ? null : Unescape(raw);

    private static string Escape(string item, bool space)
    {
        if (item.AsSpan().IndexOfAny(';', '=', '\\') < 0 && !(space && item.Contains(' '))) return item;
        var text = new StringBuilder(item.Length + 4);
        foreach (var c in item)
        {
            if (c is ';' or '=' or '\\' || (space && c == ' ')) text.Append('\\');
            text.Append(c);
        }
        return text.ToString();
    }

    public static string Join<T>(IEnumerable<T> items) => string.Join(Separator, items.Select(i => Cell(i)));

    public static string JoinMap<TValue>(IEnumerable<KeyValuePair<string, TValue>> entries) =>
        string.Join(Separator, entries.Select(e => Escape(e.Key) + "=" + Cell(e.Value)));

    /// <summary>
    /// A map of maps as one flat map: <c>outer inner=value</c> for every inner entry (<c>tdd RCACI->TDDCI=1; tdd TDDCI->HS=2</c>).
    /// The outer key is a <see cref="Word"/>; an outer key whose map is empty is not written.
    /// </summary>
    public static string JoinNestedMap<TValue>(IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, TValue>>> entries) =>
        string.Join(Separator, entries.SelectMany(outer => outer.Value.Select(inner => Word(outer.Key) + " " + Escape(inner.Key) + "=" + Cell(inner.Value))));

    /// <summary>The items of a list cell, unescaped; an empty or blank cell is an empty list.</summary>
    public static CellList<string> ParseList(string? cell) => [.. Split(cell, ';').Select(Unescape)];

    /// <summary>The items of a list cell, each converted by <paramref name="parseItem"/>.</summary>
    public static CellList<T> ParseList<T>(string? cell, Func<string, T> parseItem) => [.. ParseList(cell).Select(parseItem)];

    /// <summary>The items of a cell as written, escapes kept: the input of an <see cref="ICellText"/> item's reader.</summary>
    public static IReadOnlyList<string> Items(string? cell) => Split(cell, ';');

    /// <summary>
    /// <paramref name="raw"/> cut at its first unescaped <paramref name="separator"/>, both parts as written (escapes kept);
    /// null when there is none.
    /// </summary>
    public static (string Before, string After)? SplitFirst(string raw, char separator)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\\') { i++; continue; }
            if (raw[i] == separator) return (raw[..i], raw[(i + 1)..]);
        }
        return null;
    }

    /// <summary>
    /// The entries of a map cell (<c>key=value; key=value</c>). Throws <see cref="FormatException"/> naming the entry
    /// that has no unescaped <c>=</c>, or a repeated key.
    /// </summary>
    public static CellMap<TValue> ParseMap<TValue>(string? cell, Func<string, TValue> parseValue)
    {
        var map = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(cell))
        {
            if (!map.TryAdd(Unescape(key), parseValue(Unescape(value))))
                throw new FormatException($"The key '{Unescape(key)}' appears twice in '{cell}'.");
        }
        return new CellMap<TValue>(map);
    }

    /// <summary>Reads what <see cref="JoinNestedMap{TValue}"/> writes. Throws <see cref="FormatException"/> naming the entry that is not <c>outer inner=value</c>.</summary>
    public static NestedCellMap<TValue> ParseNestedMap<TValue>(string? cell, Func<string, TValue> parseValue)
    {
        var map = new Dictionary<string, Dictionary<string, TValue>>(StringComparer.Ordinal);
        foreach (var (key, value) in Entries(cell))
        {
            if (SplitFirst(key, ' ') is not var (outerRaw, innerRaw) || outerRaw.Length == 0 || innerRaw.Trim().Length == 0)
                throw new FormatException($"'{key}={value}' is not an 'outer inner=value' entry.");
            var outer = ReadWord(outerRaw) ?? throw new FormatException($"'{key}={value}' has no outer key.");
            if (!map.TryGetValue(outer, out var inner)) map[outer] = inner = new Dictionary<string, TValue>(StringComparer.Ordinal);
            var innerKey = Unescape(innerRaw.Trim());
            if (!inner.TryAdd(innerKey, parseValue(Unescape(value))))
                throw new FormatException($"The key '{outer} {innerKey}' appears twice in '{cell}'.");
        }
        return new NestedCellMap<TValue>(map.Select(e => new KeyValuePair<string, IReadOnlyDictionary<string, TValue>>(e.Key, new CellMap<TValue>(e.Value))));
    }

    /// <summary>The raw key and value of every entry of a map cell; throws for an entry without one unescaped '='.</summary>
    private static IEnumerable<(string Key, string Value)> Entries(string? cell)
    {
        foreach (var entry in Split(cell, ';'))
        {
            var parts = Split(entry, '=', keepEmpty: true);
            if (parts.Count != 2) throw new FormatException($"'{entry}' is not a key=value entry.");
            yield return (parts[0], parts[1]);
        }
    }

    /// <summary>Invariant numbers for <see cref="ParseMap{TValue}"/>: <c>CellText.ParseMap(cell, CellText.Decimal)</c>.</summary>
    public static decimal Decimal(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static long Long(string text) => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Splits at unescaped <paramref name="separator"/>s, leaving escapes in place; items are trimmed.</summary>
    private static List<string> Split(string? text, char separator, bool keepEmpty = false)
    {
        var parts = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return parts;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] != separator) continue;
            Add(text[start..i]);
            start = i + 1;
        }
        Add(text[start..]);
        return parts;

        void Add(string part)
        {
            part = part.Trim();
            if (keepEmpty || part.Length > 0) parts.Add(part);
        }
    }

    /// <summary>Removes the escapes: <c>\x</c> is <c>x</c> for any character.</summary>
    public static string Unescape(string item)
    {
        if (!item.Contains('\\')) return item;
        var text = new StringBuilder(item.Length);
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] == '\\' && i + 1 < item.Length) i++;
            text.Append(item[i]);
        }
        return text.ToString();
    }
}
