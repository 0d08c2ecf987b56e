namespace SessionAnalytics.Core.Tabular;

/// <summary>An item with a compact, one-line text form for a <see cref="CellList{T}"/> cell (no type name, no line break).</summary>
public interface ICellText
{
    string ToCellText();
}
