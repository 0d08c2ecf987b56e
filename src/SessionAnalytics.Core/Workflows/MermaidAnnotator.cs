using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Workflows;

public enum LinkTraversal
{
    NotTraversed,
    Traversed,
    /// <summary>Traversed, and the link's label says it is a failure path (fail, error, red, ...).</summary>
    FailureTraversed,
    /// <summary>An invisible layout link (<c>~~~</c>): never coloured.</summary>
    Invisible,
}

public sealed class MermaidLinkAnnotation
{
    public int Index { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public string? Label { get; init; }
    public int Count { get; init; }
    public LinkTraversal Traversal { get; init; }
    /// <summary>The stroke colour given by linkStyle; null for invisible links.</summary>
    public string? Colour { get; init; }
    public override string ToString() => $"{Index}: {From}->{To} {Traversal} {Count}x {Colour}";
}

public sealed class MermaidAnnotation
{
    /// <summary>The annotated Mermaid text (no fences).</summary>
    public required string Mermaid { get; init; }
    public required IReadOnlyList<MermaidLinkAnnotation> Links { get; init; }
    /// <summary>Edge keys that match no link of the template.</summary>
    public required IReadOnlyList<string> UnmatchedEdges { get; init; }
    public required IReadOnlyList<string> UsedNodes { get; init; }
    /// <summary>Nodes filled red: every invocation of the skills they stand for failed.</summary>
    public IReadOnlyList<string> FailedNodes { get; init; } = [];
    public int TraversedEdges => Links.Count(l => l.Traversal is LinkTraversal.Traversed or LinkTraversal.FailureTraversed);
    public int FailureEdges => Links.Count(l => l.Traversal == LinkTraversal.FailureTraversed);
    public int TotalEdges => Links.Count(l => l.Traversal != LinkTraversal.Invisible);
}

/// <summary>
/// Re-emits a workflow template with the session's traversals on it: traversed links green, traversed failure links
/// red, the rest grey (<c>linkStyle</c> lines appended, indices from <see cref="MermaidFlowchart.Links"/>), traversal
/// counters in the labels (<c>|"CI green (2x)"|</c>, <c>|"1x"|</c>), and nodes filled green (invoked and completed, or
/// passed through), red (every invocation failed) or grey (not reached) through three appended classDefs. The
/// template's own <c>linkStyle</c> and <c>style</c> lines are dropped: they would fight the colour scheme (and a dropped
/// link would shift indices). Everything else is kept as written.
/// </summary>
public static partial class MermaidAnnotator
{
    public const string TraversedColour = "#4CAF50";
    public const string FailureColour = "#F44336";
    public const string UntraversedColour = "#9E9E9E";

    /// <summary>The annotated diagram's key, as a Mermaid comment in the diagram and as <see cref="WorkflowDiagram.Legend"/>.</summary>
    public const string ColourKey =
        "links: green = traversed, red = failure path traversed, grey = not traversed; " +
        "nodes: green = invoked and completed (or passed through), red = every invocation failed, grey = not reached";

    /// <param name="usedNodes">Nodes to fill green besides those a traversed link touches (the nodes of completed skills).</param>
    /// <param name="failedNodes">Nodes to fill red: every invocation of their skills failed. Red wins over green.</param>
    public static MermaidAnnotation Annotate(MermaidFlowchart template, IReadOnlyDictionary<string, int> edges, IEnumerable<string>? usedNodes = null,
        IEnumerable<string>? failedNodes = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(edges);
        var counts = new int[template.Links.Count];
        var unmatched = new List<string>();
        foreach (var (key, count) in edges)
        {
            if (count <= 0) continue;
            var link = ParseEdgeKey(key) is var (from, to) ? FindLink(template, from, to) : null;
            if (link is null) { unmatched.Add(key); continue; }
            counts[link.Index] += count;
        }

        var annotations = template.Links.Select(l => new MermaidLinkAnnotation
        {
            Index = l.Index,
            From = l.From,
            To = l.To,
            Label = l.Label,
            Count = counts[l.Index],
            Traversal = l.Stroke == MermaidStroke.Invisible ? LinkTraversal.Invisible
                : counts[l.Index] == 0 ? LinkTraversal.NotTraversed
                : IsFailureLabel(l.Label) ? LinkTraversal.FailureTraversed
                : LinkTraversal.Traversed,
            Colour = l.Stroke == MermaidStroke.Invisible ? null
                : counts[l.Index] == 0 ? UntraversedColour
                : IsFailureLabel(l.Label) ? FailureColour
                : TraversedColour,
        }).ToList();

        var used = new HashSet<string>(usedNodes ?? [], StringComparer.Ordinal);
        foreach (var a in annotations)
            if (a.Traversal is LinkTraversal.Traversed or LinkTraversal.FailureTraversed) { used.Add(a.From); used.Add(a.To); }
        var failed = new HashSet<string>(failedNodes ?? [], StringComparer.Ordinal);
        used.ExceptWith(failed);

        var text = Rewrite(template, counts);
        text = AppendStyles(template, text, annotations, used, failed);
        return new MermaidAnnotation
        {
            Mermaid = text,
            Links = annotations,
            UnmatchedEdges = unmatched,
            UsedNodes = template.Nodes.Where(n => used.Contains(n.Id)).Select(n => n.Id).ToList(),
            FailedNodes = template.Nodes.Where(n => failed.Contains(n.Id)).Select(n => n.Id).ToList(),
        };
    }

    /// <summary>"FROM->TO" → (FROM, TO); null when the key has no "->" or an empty side.</summary>
    public static (string From, string To)? ParseEdgeKey(string key)
    {
        var arrow = key.IndexOf("->", StringComparison.Ordinal);
        if (arrow <= 0) return null;
        var from = key[..arrow].Trim();
        var to = key[(arrow + 2)..].Trim();
        return from.Length == 0 || to.Length == 0 ? null : (from, to);
    }

    /// <summary>The link an edge key means: the first declared link from FROM to TO, else the first that can be followed that way (undirected or two-headed), else the same ignoring case.</summary>
    public static MermaidLink? FindLink(MermaidFlowchart template, string from, string to) =>
        template.Links.FirstOrDefault(l => l.Stroke != MermaidStroke.Invisible && l.From == from && l.To == to)
        ?? template.Links.FirstOrDefault(l => l.Connects(from, to))
        ?? template.Links.FirstOrDefault(l => l.Stroke != MermaidStroke.Invisible
            && string.Equals(l.From, from, StringComparison.OrdinalIgnoreCase) && string.Equals(l.To, to, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a link label marks a failure path: a word such as fail, failed, failure, error, red, broken, crash, timeout, rejected (case-insensitive).</summary>
    public static bool IsFailureLabel(string? label) => label is not null && FailureWords().IsMatch(label);

    /// <summary>A Mermaid double-quoted string for <paramref name="text"/>: quotes become <c>#quot;</c> and backticks <c>#96;</c> (so the text can neither end the string nor the Markdown fence around the diagram).</summary>
    public static string Quote(string text) => "\"" + text.Replace("\"", "#quot;").Replace("`", "#96;") + "\"";

    /// <summary>
    /// A Mermaid double-quoted string that shows <paramref name="text"/> exactly as written and can carry no markup:
    /// for text that comes from a session (recorded edge names), never from a template. Besides <see cref="Quote"/>'s
    /// escapes, <c>#</c> becomes <c>#35;</c> (so the text cannot spell an entity code) and <c>&lt;</c>, <c>&gt;</c>,
    /// <c>&amp;</c> become <c>#lt;</c>, <c>#gt;</c>, <c>#amp;</c>: Mermaid turns those into HTML entities, which a
    /// browser shows as the characters, never as a tag (<c>&lt;img src=x&gt;</c> renders as text).
    /// </summary>
    public static string QuoteText(string text)
    {
        var sb = new StringBuilder(text.Length + 16).Append('"');
        foreach (var c in text)
            sb.Append(c switch
            {
                '#' => "#35;",
                '"' => "#quot;",
                '`' => "#96;",
                '<' => "#lt;",
                '>' => "#gt;",
                '&' => "#amp;",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    private static string Counter(MermaidLink link, int count)
    {
        var counter = count.ToString(CultureInfo.InvariantCulture) + "x";
        var label = link.Label?.Trim();
        if (string.IsNullOrEmpty(label)) return Quote(counter);
        return link.LabelKind == MermaidLabelKind.Markdown
            ? "\"`" + label + " (" + counter + ")`\""
            : Quote(label + " (" + counter + ")");
    }

    private readonly record struct Edit(int Start, int End, string Replacement);

    private static string Rewrite(MermaidFlowchart template, int[] counts)
    {
        var source = template.Source;
        var edits = new List<Edit>();

        // Statements whose &-groups need different labels on links that share one written arrow are expanded into
        // one link per statement, in the same order, so indices stay what they were.
        var splitStatements = template.Links
            .GroupBy(l => l.ArrowOccurrence)
            .Where(g => g.Count() > 1 && g.Any(l => counts[l.Index] > 0) && g.Select(l => counts[l.Index]).Distinct().Count() > 1)
            .Select(g => g.First().StatementIndex)
            .ToHashSet();

        foreach (var statementIndex in splitStatements)
        {
            var statement = template.Statements[statementIndex];
            var links = template.Links.Where(l => l.StatementIndex == statementIndex).OrderBy(l => l.Index).ToList();
            var indent = IndentOf(source, statement.Span.Start);
            var declared = new HashSet<int>();
            var lines = new List<string>();
            foreach (var group in links.GroupBy(l => l.ArrowOccurrence))
            {
                var keepsEdgeId = group.OrderByDescending(l => l.FromVertex.Start).ThenBy(l => l.ToVertex.Start).First();
                foreach (var link in group)
                {
                    var arrow = ArrowText(source, link, counts[link.Index], withEdgeId: link == keepsEdgeId);
                    lines.Add(Vertex(link.From, link.FromVertex) + " " + arrow + " " + Vertex(link.To, link.ToVertex));
                }
            }
            edits.Add(new Edit(statement.Span.Start, statement.Span.End, string.Join(NewLine(template) + indent, lines)));

            string Vertex(string id, MermaidSpan span) => declared.Add(span.Start) ? span.Of(source) : id;
        }

        foreach (var group in template.Links.Where(l => !splitStatements.Contains(l.StatementIndex)).GroupBy(l => l.ArrowOccurrence))
        {
            var link = group.First();
            var count = counts[link.Index];
            if (count == 0) continue;
            edits.Add(LabelEdit(link, count));
        }

        foreach (var statement in template.Statements)
            if (statement.Kind is MermaidStatementKind.LinkStyle or MermaidStatementKind.Style)
                edits.Add(Removal(source, statement.Span));

        var result = new StringBuilder(source);
        foreach (var edit in edits.OrderByDescending(e => e.Start))
            result.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.Replacement);
        return result.ToString();
    }

    private static Edit LabelEdit(MermaidLink link, int count) => link.LabelPlacement switch
    {
        MermaidLabelPlacement.None => new Edit(link.ArrowTokenEnd, link.ArrowTokenEnd, "|" + Counter(link, count) + "|"),
        _ => new Edit(link.LabelSpan.Start, link.LabelSpan.End, Counter(link, count)),
    };

    /// <summary>The written arrow of <paramref name="link"/>, with the counter when traversed.</summary>
    private static string ArrowText(string source, MermaidLink link, int count, bool withEdgeId)
    {
        var start = withEdgeId ? link.Arrow.Start : link.ArrowTokenStart;
        var arrow = source[start..link.Arrow.End];
        if (count == 0) return arrow;
        var edit = LabelEdit(link, count);
        var local = new StringBuilder(arrow);
        local.Remove(edit.Start - start, edit.End - edit.Start).Insert(edit.Start - start, edit.Replacement);
        return local.ToString();
    }

    /// <summary>Removes a statement: its whole line when nothing else is on it, else the statement and a following ';'.</summary>
    private static Edit Removal(string source, MermaidSpan span)
    {
        var lineStart = source.LastIndexOf('\n', Math.Max(span.Start - 1, 0)) + 1;
        if (span.Start == 0) lineStart = 0;
        var lineEnd = source.IndexOf('\n', span.End);
        var lineEndExclusive = lineEnd < 0 ? source.Length : lineEnd + 1;
        var before = source[lineStart..span.Start];
        var after = source[span.End..(lineEnd < 0 ? source.Length : lineEnd)];
        if (string.IsNullOrWhiteSpace(before) && (string.IsNullOrWhiteSpace(after) || after.Trim() == ";"))
            return new Edit(lineStart, lineEndExclusive, "");
        var end = span.End;
        while (end < source.Length && source[end] is ' ' or '\t') end++;
        if (end < source.Length && source[end] == ';') end++;
        return new Edit(span.Start, end, "");
    }

    private static string AppendStyles(MermaidFlowchart template, string text, IReadOnlyList<MermaidLinkAnnotation> links, HashSet<string> used, HashSet<string> failed)
    {
        // The template's top-level indentation: the least indented statement after the header.
        var indent = template.Statements
            .Where(s => s.Kind is not (MermaidStatementKind.Header or MermaidStatementKind.FrontMatter or MermaidStatementKind.Comment))
            .Select(s => IndentOf(template.Source, s.Span.Start))
            .OrderBy(i => i.Length)
            .FirstOrDefault() ?? "    ";
        var usedClass = UniqueClassName(template, "saUsed");
        var unusedClass = UniqueClassName(template, "saUnused");
        var failedClass = UniqueClassName(template, "saFailed");
        var nl = NewLine(template);
        var sb = new StringBuilder(text.TrimEnd());
        sb.Append(nl).Append(indent).Append("%% SessionAnalytics: ").Append(ColourKey);
        sb.Append(nl).Append(indent).Append("classDef ").Append(usedClass).Append(" fill:").Append(TraversedColour).Append(",stroke:#2E7D32,color:#ffffff");
        sb.Append(nl).Append(indent).Append("classDef ").Append(unusedClass).Append(" fill:").Append(UntraversedColour).Append(",stroke:#616161,color:#ffffff");
        if (failed.Count > 0)
            sb.Append(nl).Append(indent).Append("classDef ").Append(failedClass).Append(" fill:").Append(FailureColour).Append(",stroke:#B71C1C,color:#ffffff");
        // class takes a comma-separated id list, so an id with a comma cannot be named there.
        var nodes = template.Nodes.Where(n => !n.IsSubgraph && !n.Id.Contains(',')).ToList();
        AppendList(sb, nl + indent, "class ", nodes.Where(n => used.Contains(n.Id)).Select(n => n.Id), " " + usedClass);
        AppendList(sb, nl + indent, "class ", nodes.Where(n => failed.Contains(n.Id)).Select(n => n.Id), " " + failedClass);
        AppendList(sb, nl + indent, "class ", nodes.Where(n => !used.Contains(n.Id) && !failed.Contains(n.Id)).Select(n => n.Id), " " + unusedClass);
        foreach (var (colour, width) in new[] { (TraversedColour, "3px"), (FailureColour, "3px"), (UntraversedColour, "1px") })
            AppendList(sb, nl + indent, "linkStyle ", links.Where(l => l.Colour == colour).Select(l => l.Index.ToString(CultureInfo.InvariantCulture)),
                $" stroke:{colour},stroke-width:{width}");
        return sb.Append(nl).ToString();
    }

    private static void AppendList(StringBuilder sb, string lineStart, string keyword, IEnumerable<string> items, string suffix)
    {
        var list = items.ToList();
        if (list.Count == 0) return;
        sb.Append(lineStart).Append(keyword).Append(string.Join(",", list)).Append(suffix);
    }

    /// <summary>The template's line ending, so added lines match it.</summary>
    private static string NewLine(MermaidFlowchart template) => template.Source.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

    private static string UniqueClassName(MermaidFlowchart template, string name)
    {
        var candidate = name;
        for (var i = 2; template.ClassNames.Contains(candidate) || template.Nodes.Any(n => n.Classes.Contains(candidate)); i++)
            candidate = name + i.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }

    private static string IndentOf(string source, int offset)
    {
        var lineStart = offset == 0 ? 0 : source.LastIndexOf('\n', offset - 1) + 1;
        var i = lineStart;
        while (i < source.Length && source[i] is ' ' or '\t') i++;
        return source[lineStart..i];
    }

    [GeneratedRegex(@"\b(fail(s|ed|ure|ures|ing)?|error(s|ed)?|red|broken|break(s)?|crash(es|ed)?|time[ds]?[ -]?out|timeout|reject(s|ed)?|abort(s|ed)?|flak(e|y))\b|❌|✗|✘",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FailureWords();
}
