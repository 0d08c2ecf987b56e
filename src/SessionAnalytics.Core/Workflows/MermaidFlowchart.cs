namespace SessionAnalytics.Core.Workflows;

/// <summary>
/// A parsed Mermaid flowchart (<c>flowchart TD</c>, <c>graph LR</c>, ...) that still knows its source text, so the
/// annotator can re-emit the template unchanged except for what it deliberately edits.
/// <see cref="Links"/> are in Mermaid's own edge order: every link in declaration order, chains and <c>&amp;</c>
/// groups expanded (<c>A &amp; B --&gt; C &amp; D</c> is A→C, A→D, B→C, B→D), which is what <c>linkStyle N</c>
/// refers to.
/// </summary>
public sealed class MermaidFlowchart
{
    internal MermaidFlowchart(
        string source,
        string keyword,
        string direction,
        IReadOnlyList<MermaidNode> nodes,
        IReadOnlyList<MermaidLink> links,
        IReadOnlyList<MermaidSubgraph> subgraphs,
        IReadOnlyList<MermaidStatement> statements,
        IReadOnlyList<string> classNames)
    {
        Source = source;
        Keyword = keyword;
        Direction = direction;
        Nodes = nodes;
        Links = links;
        Subgraphs = subgraphs;
        Statements = statements;
        ClassNames = classNames;
        Lines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
    }

    /// <summary>The text that was parsed, byte for byte.</summary>
    public string Source { get; }

    /// <summary><see cref="Source"/> split into lines (line 1 is index 0).</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>"flowchart", "graph" or "flowchart-elk".</summary>
    public string Keyword { get; }

    /// <summary>TB, TD, BT, RL or LR (TB when the header names none).</summary>
    public string Direction { get; }

    /// <summary>Every node, in the order Mermaid first sees it.</summary>
    public IReadOnlyList<MermaidNode> Nodes { get; }

    /// <summary>Every link, index = position in this list = the index <c>linkStyle</c> uses.</summary>
    public IReadOnlyList<MermaidLink> Links { get; }

    public IReadOnlyList<MermaidSubgraph> Subgraphs { get; }

    /// <summary>Every statement (and comment, header, front matter) with its place in <see cref="Source"/>.</summary>
    public IReadOnlyList<MermaidStatement> Statements { get; }

    /// <summary>Names defined by <c>classDef</c>.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public MermaidNode? FindNode(string id) => Nodes.FirstOrDefault(n => n.Id == id);

    /// <summary>Parses a flowchart; throws <see cref="MermaidParseException"/> naming the line and column of the first error.</summary>
    public static MermaidFlowchart Parse(string source) => new MermaidFlowchartParser(source).Parse();

    public override string ToString() => $"{Keyword} {Direction}: {Nodes.Count} nodes, {Links.Count} links";
}

public enum MermaidNodeShape
{
    /// <summary>A bare id: drawn as a rectangle labelled with the id.</summary>
    Default,
    Square,
    Round,
    Stadium,
    Subroutine,
    Cylinder,
    Circle,
    DoubleCircle,
    Ellipse,
    Asymmetric,
    Diamond,
    Hexagon,
    Trapezoid,
    InvertedTrapezoid,
    LeanRight,
    LeanLeft,
    /// <summary><c>A[|field:value|text]</c></summary>
    WithProperties,
}

public enum MermaidStroke { Normal, Thick, Dotted, Invisible }

public enum MermaidArrowHead
{
    /// <summary>No head: <c>---</c>, <c>===</c>, <c>-.-</c>.</summary>
    None,
    Arrow,
    Cross,
    Circle,
}

public enum MermaidLabelKind { Text, String, Markdown }

public enum MermaidStatementKind
{
    FrontMatter,
    Comment,
    Header,
    /// <summary>Nodes and links: <c>A --&gt; B</c>, <c>A[text]</c>, <c>A &amp; B --&gt; C</c>.</summary>
    Vertices,
    ClassDef,
    Class,
    Style,
    LinkStyle,
    Click,
    SubgraphStart,
    SubgraphEnd,
    Direction,
    Accessibility,
}

public sealed class MermaidNode
{
    public required string Id { get; init; }
    /// <summary>The node's text without quotes or markdown backticks; null for a bare id.</summary>
    public string? Label { get; internal set; }
    public MermaidLabelKind LabelKind { get; internal set; }
    public MermaidNodeShape Shape { get; internal set; }
    /// <summary>Classes given with <c>:::name</c> or <c>class id name</c>.</summary>
    public List<string> Classes { get; } = [];
    /// <summary>1-based line of the first mention.</summary>
    public int Line { get; init; }
    /// <summary>True when the id is also a subgraph's id (links may point at subgraphs).</summary>
    public bool IsSubgraph { get; internal set; }
    /// <summary>The label Mermaid shows: the text, or the id for a bare node.</summary>
    public string DisplayText => Label ?? Id;
    public override string ToString() => Label is null ? Id : $"{Id}[{Label}]";
}

public sealed class MermaidLink
{
    public int Index { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    /// <summary>The label without pipes, quotes or backticks; null when the link has none.</summary>
    public string? Label { get; init; }
    public MermaidLabelKind LabelKind { get; init; }
    public MermaidStroke Stroke { get; init; }
    public MermaidArrowHead Head { get; init; }
    /// <summary>True for <c>&lt;--&gt;</c>, <c>x--x</c>, <c>o--o</c>.</summary>
    public bool BothEnds { get; init; }
    /// <summary>Extra length: 1 for <c>--&gt;</c>, 2 for <c>---&gt;</c>, ...</summary>
    public int Length { get; init; }
    /// <summary>The <c>id@</c> given before the arrow, if any.</summary>
    public string? EdgeId { get; init; }
    /// <summary>1-based line of the arrow.</summary>
    public int Line { get; init; }
    /// <summary>The arrow as written, e.g. <c>--&gt;</c> or <c>-. text .-&gt;</c>.</summary>
    public required string ArrowText { get; init; }

    /// <summary>Whether the link can be followed from <paramref name="from"/> to <paramref name="to"/>: a link without heads or with heads on both ends goes both ways; an invisible one goes nowhere.</summary>
    public bool Connects(string from, string to) =>
        Stroke != MermaidStroke.Invisible &&
        ((From == from && To == to) || ((Head == MermaidArrowHead.None || BothEnds) && From == to && To == from));

    // Where the link sits in the source, for the annotator.
    internal int StatementIndex { get; init; }
    /// <summary>All links made by one written arrow share it (several when &amp; groups are involved).</summary>
    internal int ArrowOccurrence { get; init; }
    internal MermaidSpan FromVertex { get; init; }
    internal MermaidSpan ToVertex { get; init; }
    /// <summary>From the edge id (or the arrow) to the end of the label or closing arrow, trimmed.</summary>
    internal MermaidSpan Arrow { get; init; }
    /// <summary>The start of the arrow token (after any edge id).</summary>
    internal int ArrowTokenStart { get; init; }
    /// <summary>The end of the arrow token (trimmed): where a label is inserted for a link without one.</summary>
    internal int ArrowTokenEnd { get; init; }
    internal MermaidLabelPlacement LabelPlacement { get; init; }
    /// <summary>The label as written: between the pipes, or between <c>--</c> and <c>--&gt;</c> (trimmed, quotes included).</summary>
    internal MermaidSpan LabelSpan { get; init; }

    public override string ToString() => Label is null ? $"{Index}: {From} {ArrowText} {To}" : $"{Index}: {From} -->|{Label}| {To}";
}

public sealed class MermaidSubgraph
{
    public required string Id { get; init; }
    public string? Title { get; init; }
    public int Line { get; init; }
    public string? Parent { get; init; }
}

public sealed class MermaidStatement
{
    public MermaidStatementKind Kind { get; init; }
    /// <summary>1-based line where the statement starts.</summary>
    public int Line { get; init; }
    public required string Text { get; init; }
    internal MermaidSpan Span { get; init; }
    /// <summary>For linkStyle: the indices it styles (empty for <c>default</c>).</summary>
    public IReadOnlyList<int> LinkIndices { get; init; } = [];
    public override string ToString() => $"{Line}: {Kind} {Text}";
}

internal enum MermaidLabelPlacement
{
    None,
    /// <summary><c>--&gt;|label|</c></summary>
    Pipes,
    /// <summary><c>-- label --&gt;</c>, <c>== label ==&gt;</c>, <c>-. label .-&gt;</c></summary>
    Inline,
}

internal readonly record struct MermaidSpan(int Start, int End)
{
    public int Length => End - Start;
    public string Of(string text) => text[Start..End];
}

/// <summary>The flowchart text is not valid Mermaid (or not a flowchart); <see cref="Line"/> and <see cref="Column"/> are 1-based.</summary>
public sealed class MermaidParseException(string reason, int line, int column)
    : FormatException($"line {line}, column {column}: {reason}")
{
    public string Reason { get; } = reason;
    public int Line { get; } = line;
    public int Column { get; } = column;
}
