namespace SessionAnalytics.Core.Tabular;

/// <summary>
/// An item with a compact, one-line text form for a <see cref="CellList{T}"/> cell (no type name, no line break).
/// The text goes into the cell as it is: the item escapes its own parts (<see cref="CellText.Escape"/>,
/// <see cref="CellText.Word"/>), so it may use <c>=</c> between a key and its value, as a map entry does.
/// </summary>
public interface ICellText
{
    string ToCellText();
}
