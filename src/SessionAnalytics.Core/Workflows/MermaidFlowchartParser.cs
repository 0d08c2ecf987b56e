using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Workflows;

/// <summary>
/// A recursive-descent reader for Mermaid's flowchart grammar (packages/mermaid/src/diagrams/flowchart/parser/flow.jison).
/// It follows the jison lexer where that decides which links exist and in which order: the link tokens are the same
/// regular expressions tried in the same order (so <c>-- go--&gt;</c> ends its label where Mermaid does), a link may
/// span a line break as in Mermaid, and comments are whole lines starting with <c>%%</c>.
/// Things Mermaid rejects are rejected here too with the line and column, so a broken template is reported instead
/// of producing a diagram GitHub cannot draw.
/// </summary>
internal sealed partial class MermaidFlowchartParser(string source)
{
    private readonly string _s = source;
    private readonly int[] _lineStarts = LineStarts(source);
    private int _p;

    private readonly List<MermaidNode> _nodes = [];
    private readonly Dictionary<string, MermaidNode> _nodesById = new(StringComparer.Ordinal);
    private readonly List<MermaidLink> _links = [];
    private readonly List<MermaidSubgraph> _subgraphs = [];
    private readonly Stack<MermaidSubgraph> _openSubgraphs = new();
    private readonly List<MermaidStatement> _statements = [];
    private readonly List<string> _classNames = [];
    private readonly List<(string Id, string Class)> _classAssignments = [];
    private int _arrowOccurrences;
    private string _keyword = "flowchart";
    private string _direction = "TB";

    public MermaidFlowchart Parse()
    {
        ParsePreambleAndHeader();
        while (true)
        {
            SkipSeparators();
            if (_p >= _s.Length) break;
            if (AtLineStart(_p) && StartsWith("%%")) { Comment(); continue; }
            ParseStatement();
        }
        if (_openSubgraphs.Count > 0)
        {
            var open = _openSubgraphs.Peek();
            throw Error($"subgraph '{open.Id}' opened on line {open.Line} is never closed with 'end'", _s.Length);
        }
        foreach (var (id, cls) in _classAssignments)
            if (_nodesById.TryGetValue(id, out var node) && !node.Classes.Contains(cls)) node.Classes.Add(cls);
        foreach (var sg in _subgraphs)
            if (_nodesById.TryGetValue(sg.Id, out var node)) node.IsSubgraph = true;
        return new MermaidFlowchart(_s, _keyword, _direction, _nodes, _links, _subgraphs, _statements, _classNames);
    }

    // ---------------------------------------------------------------- header, comments

    private void ParsePreambleAndHeader()
    {
        // Front matter (--- ... ---) must be the very first line, as in Mermaid.
        if (Regex.IsMatch(_s, @"\A---[ \t]*\r?\n"))
        {
            var close = Regex.Match(_s, @"\n---[ \t]*(\r?\n|\z)");
            if (!close.Success) throw Error("front matter opened with '---' is never closed", 0);
            AddStatement(MermaidStatementKind.FrontMatter, 0, close.Index + 4);
            _p = close.Index + close.Length;
        }
        while (true)
        {
            SkipWhitespaceAndNewlines();
            if (_p >= _s.Length) throw Error("the diagram is empty: expected 'flowchart' or 'graph'", _p);
            if (StartsWith("%%")) { Comment(); continue; }
            break;
        }
        var start = _p;
        var word = HeaderWord().Match(_s, _p);
        if (!word.Success || word.Groups[1].Value is not ("flowchart" or "graph" or "flowchart-elk"))
        {
            var first = Regex.Match(_s[_p..], @"^\S*").Value;
            throw Error($"not a flowchart: the diagram starts with '{first}' (only 'flowchart' and 'graph' diagrams can be annotated)", _p);
        }
        _keyword = word.Groups[1].Value;
        _p = word.Index + word.Length;
        var dir = HeaderDirection().Match(_s, _p);
        if (dir.Success)
        {
            _direction = dir.Groups[1].Value switch { "<" => "RL", ">" => "LR", "^" => "BT", "v" => "TB", var d => d };
            _p = dir.Index + dir.Length;
        }
        SkipInlineSpaces();
        if (_p < _s.Length && _s[_p] is not ('\n' or '\r' or ';'))
            throw Error($"unexpected '{_s[_p]}' after the flowchart header: statements start on the next line or after ';'", _p);
        AddStatement(MermaidStatementKind.Header, start, _p);
    }

    private void Comment()
    {
        var start = _p;
        while (_p < _s.Length && _s[_p] != '\n') _p++;
        AddStatement(MermaidStatementKind.Comment, start, TrimEndIndex(start, _p));
    }

    // ---------------------------------------------------------------- statements

    private void ParseStatement()
    {
        var start = _p;
        var word = Word().Match(_s, _p);
        var w = word.Success ? word.Value : "";
        var afterWord = _p + w.Length;
        var spaceAfter = afterWord < _s.Length && _s[afterWord] is ' ' or '\t';

        switch (w)
        {
            case "classDef" when spaceAfter:
                {
                    var names = ArgumentAfter(afterWord, out var end);
                    foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        if (!_classNames.Contains(name)) _classNames.Add(name);
                    RestOfStatementRequired(end, "classDef needs a name and styles");
                    AddStatement(MermaidStatementKind.ClassDef, start, _p);
                    return;
                }
            case "class" when spaceAfter:
                {
                    var ids = ArgumentAfter(afterWord, out var end);
                    var cls = ArgumentAfter(end, out var end2);
                    if (cls.Length == 0) throw Error("class needs node ids and a class name", end);
                    foreach (var id in ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        _classAssignments.Add((id, cls));
                    _p = end2;
                    RestOfStatement();
                    AddStatement(MermaidStatementKind.Class, start, _p);
                    return;
                }
            case "style" when spaceAfter:
                {
                    var id = ArgumentAfter(afterWord, out var end);
                    if (id.Length == 0) throw Error("style needs a node id and styles", end);
                    RestOfStatementRequired(end, "style needs a node id and styles");
                    AddStatement(MermaidStatementKind.Style, start, _p);
                    return;
                }
            case "linkStyle" when spaceAfter:
                ParseLinkStyle(start, afterWord);
                return;
            case "click" when spaceAfter:
                RestOfLine();
                AddStatement(MermaidStatementKind.Click, start, _p);
                return;
            case "subgraph":
                ParseSubgraph(start, afterWord);
                return;
            case "end" when afterWord >= _s.Length || !IsWordChar(_s[afterWord]):
                if (_openSubgraphs.Count == 0) throw Error("'end' without an open subgraph", start);
                _openSubgraphs.Pop();
                _p = afterWord;
                AddStatement(MermaidStatementKind.SubgraphEnd, start, _p);
                return;
            case "direction" when spaceAfter:
                {
                    var dir = ArgumentAfter(afterWord, out var end);
                    if (dir is not ("TB" or "TD" or "BT" or "RL" or "LR")) throw Error($"unknown direction '{dir}'", afterWord);
                    _p = end;
                    RestOfLine();
                    AddStatement(MermaidStatementKind.Direction, start, _p);
                    return;
                }
            case "accTitle" or "accDescr":
                ParseAccessibility(start, afterWord);
                return;
        }
        ParseVertexStatement(start);
    }

    private void ParseLinkStyle(int start, int afterWord)
    {
        var target = ArgumentAfter(afterWord, out var end);
        var indices = new List<int>();
        if (target != "default")
        {
            foreach (var part in target.Split(','))
            {
                if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
                    throw Error($"linkStyle expects 'default' or link numbers separated by commas, not '{target}'", afterWord);
                // Mermaid applies linkStyle while parsing: only links declared above it exist.
                if (index >= _links.Count)
                    throw Error($"linkStyle {index} refers to a link that does not exist yet: only {_links.Count} links are declared above it (indices 0-{_links.Count - 1})", afterWord);
                indices.Add(index);
            }
        }
        RestOfStatementRequired(end, "linkStyle needs styles");
        AddStatement(MermaidStatementKind.LinkStyle, start, _p, indices);
    }

    private void ParseSubgraph(int start, int afterWord)
    {
        _p = afterWord;
        SkipInlineSpaces();
        string id;
        string? title = null;
        if (AtStatementEnd(_p))
        {
            id = "subGraph" + _subgraphs.Count;
        }
        else if (_s[_p] == '"')
        {
            title = ReadQuoted(out _);
            id = "subGraph" + _subgraphs.Count;
        }
        else
        {
            var textStart = _p;
            while (_p < _s.Length && _s[_p] is not ('\n' or ';' or '[')) _p++;
            id = _s[textStart.._p].Trim();
            if (_p < _s.Length && _s[_p] == '[')
            {
                _p++;
                title = ReadNodeText("]", allowTrapSlashes: false, out _);
                _p++;
            }
            else
            {
                title = id;
            }
            // Mermaid generates an id for a title with spaces.
            if (id.Any(char.IsWhiteSpace)) id = "subGraph" + _subgraphs.Count;
        }
        var subgraph = new MermaidSubgraph
        {
            Id = id,
            Title = title,
            Line = LineOf(start),
            Parent = _openSubgraphs.Count > 0 ? _openSubgraphs.Peek().Id : null,
        };
        _subgraphs.Add(subgraph);
        _openSubgraphs.Push(subgraph);
        SkipInlineSpaces();
        if (!AtStatementEnd(_p)) throw Error($"unexpected '{_s[_p]}' after the subgraph title", _p);
        AddStatement(MermaidStatementKind.SubgraphStart, start, TrimEndIndex(start, _p));
    }

    private void ParseAccessibility(int start, int afterWord)
    {
        _p = afterWord;
        SkipInlineSpaces();
        if (_p < _s.Length && _s[_p] == ':')
        {
            RestOfLine();
        }
        else if (_p < _s.Length && _s[_p] == '{' && _s[start..afterWord] == "accDescr")
        {
            var close = _s.IndexOf('}', _p);
            if (close < 0) throw Error("accDescr { is never closed with }", _p);
            _p = close + 1;
        }
        else
        {
            throw Error("accTitle/accDescr need ':' or '{'", _p);
        }
        AddStatement(MermaidStatementKind.Accessibility, start, _p);
    }

    // ---------------------------------------------------------------- nodes and links

    private readonly record struct VertexRef(string Id, MermaidSpan Span);

    private void ParseVertexStatement(int start)
    {
        var statementIndex = _statements.Count;
        var group = ParseVertexGroup();
        while (true)
        {
            var link = TryParseLink();
            if (link is null)
            {
                SkipInlineSpaces();
                if (AtStatementEnd(_p)) break;
                throw Error($"unexpected '{_s[_p]}': expected a link (-->, ---, -.->, ==>, ...), '&' or the end of the statement", _p);
            }
            SkipInlineSpaces();
            if (AtStatementEnd(_p)) throw Error("the link has no target node", _p);
            var targets = ParseVertexGroup();
            var occurrence = _arrowOccurrences++;
            foreach (var from in group)
                foreach (var to in targets)
                {
                    _links.Add(new MermaidLink
                    {
                        Index = _links.Count,
                        From = from.Id,
                        To = to.Id,
                        Label = link.Value.Label,
                        LabelKind = link.Value.LabelKind,
                        Stroke = link.Value.Stroke,
                        Head = link.Value.Head,
                        BothEnds = link.Value.BothEnds,
                        Length = link.Value.Length,
                        EdgeId = link.Value.EdgeId,
                        Line = LineOf(link.Value.Arrow.Start),
                        ArrowText = link.Value.Arrow.Of(_s),
                        StatementIndex = statementIndex,
                        ArrowOccurrence = occurrence,
                        FromVertex = from.Span,
                        ToVertex = to.Span,
                        Arrow = link.Value.Arrow,
                        ArrowTokenStart = link.Value.ArrowTokenStart,
                        ArrowTokenEnd = link.Value.ArrowTokenEnd,
                        LabelPlacement = link.Value.Placement,
                        LabelSpan = link.Value.LabelSpan,
                    });
                }
            group = targets;
        }
        AddStatement(MermaidStatementKind.Vertices, start, TrimEndIndex(start, _p));
    }

    private List<VertexRef> ParseVertexGroup()
    {
        var group = new List<VertexRef> { ParseVertex() };
        while (true)
        {
            var save = _p;
            SkipInlineSpaces();
            if (_p < _s.Length && _s[_p] == '&')
            {
                _p++;
                SkipInlineSpaces();
                group.Add(ParseVertex());
                continue;
            }
            _p = save;
            return group;
        }
    }

    private VertexRef ParseVertex()
    {
        var start = _p;
        var id = ScanId();
        if (id.Length == 0)
        {
            if (_p >= _s.Length) throw Error("expected a node id, found the end of the diagram", _p);
            throw Error($"expected a node id, found '{_s[_p]}'", _p);
        }
        if (id == "end" || (id.StartsWith("end", StringComparison.Ordinal) && !IsWordChar(id[3])))
            throw Error("'end' is a Mermaid keyword and cannot start a node id; use 'End' or another id", start);

        MermaidNodeShape? shape = null;
        string? text = null;
        var kind = MermaidLabelKind.Text;
        foreach (var (open, close, s) in Shapes)
        {
            if (!StartsWith(open)) continue;
            // Mermaid 11 parses (-text-) but cannot draw it ("No such shape: ellipse").
            if (s == MermaidNodeShape.Ellipse) throw Error("the (-text-) ellipse shape parses but does not render in Mermaid 11; use (text) or ([text])", _p);
            _p += open.Length;
            if (s == MermaidNodeShape.WithProperties)
            {
                // [|field:value|text]
                var bar = _s.IndexOf('|', _p);
                if (bar < 0) throw Error("'[|' needs 'field:value|text]'", _p);
                _p = bar + 1;
            }
            var trap = s is MermaidNodeShape.Trapezoid or MermaidNodeShape.LeanLeft;
            text = ReadNodeText(trap ? "]" : close, trap, out kind);
            if (trap)
            {
                // [/text/] lean right, [/text\] trapezoid, [\text\] lean left, [\text/] inverted trapezoid.
                var startsWithSlash = open == "[/";
                var endsWithSlash = _s[_p - 1] == '/';
                shape = (startsWithSlash, endsWithSlash) switch
                {
                    (true, true) => MermaidNodeShape.LeanRight,
                    (true, false) => MermaidNodeShape.Trapezoid,
                    (false, true) => MermaidNodeShape.InvertedTrapezoid,
                    (false, false) => MermaidNodeShape.LeanLeft,
                };
                _p++;
            }
            else
            {
                shape = s;
                _p += close.Length;
            }
            break;
        }

        string? cls = null;
        if (StartsWith(":::"))
        {
            _p += 3;
            cls = ScanId();
            if (cls.Length == 0) throw Error("':::' must be followed by a class name", _p);
        }
        if (StartsWith("@{")) SkipShapeData();

        var node = Register(id, start);
        if (text is not null)
        {
            node.Label = text;
            node.LabelKind = kind;
        }
        if (shape is not null) node.Shape = shape.Value;
        if (cls is not null && !node.Classes.Contains(cls)) node.Classes.Add(cls);
        return new VertexRef(id, new MermaidSpan(start, _p));
    }

    // Longest openers first where they share a prefix.
    private static readonly (string Open, string Close, MermaidNodeShape Shape)[] Shapes =
    [
        ("(((", ")))", MermaidNodeShape.DoubleCircle),
        ("((", "))", MermaidNodeShape.Circle),
        ("(-", "-)", MermaidNodeShape.Ellipse),
        ("([", "])", MermaidNodeShape.Stadium),
        ("(", ")", MermaidNodeShape.Round),
        ("[[", "]]", MermaidNodeShape.Subroutine),
        ("[(", ")]", MermaidNodeShape.Cylinder),
        ("[/", "]", MermaidNodeShape.Trapezoid),
        ("[\\", "]", MermaidNodeShape.LeanLeft),
        ("[|", "]", MermaidNodeShape.WithProperties),
        ("[", "]", MermaidNodeShape.Square),
        ("{{", "}}", MermaidNodeShape.Hexagon),
        ("{", "}", MermaidNodeShape.Diamond),
        (">", "]", MermaidNodeShape.Asymmetric),
    ];

    private MermaidNode Register(string id, int position)
    {
        if (_nodesById.TryGetValue(id, out var node)) return node;
        node = new MermaidNode { Id = id, Line = LineOf(position) };
        _nodesById.Add(id, node);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Node text up to <paramref name="close"/>: a quoted string, a markdown string, or plain text without brackets, pipes or quotes (as Mermaid's text state allows). Leaves <see cref="_p"/> on the closer.</summary>
    private string ReadNodeText(string close, bool allowTrapSlashes, out MermaidLabelKind kind)
    {
        var start = _p;
        if (_p < _s.Length && _s[_p] == '"')
        {
            var quoted = ReadQuoted(out kind);
            if (allowTrapSlashes ? !(StartsWith("/]") || StartsWith("\\]")) : !StartsWith(close))
                throw Error($"expected '{(allowTrapSlashes ? "/] or \\]" : close)}' right after the quoted text", _p);
            if (allowTrapSlashes) _p++;
            return quoted;
        }
        kind = MermaidLabelKind.Text;
        while (true)
        {
            if (_p >= _s.Length) throw Error($"node text opened at line {LineOf(start)} is never closed with '{close}'", start);
            if (allowTrapSlashes)
            {
                if (StartsWith("/]") || StartsWith("\\]"))
                {
                    var trapText = _s[start.._p];
                    if (trapText.Length == 0) throw Error("empty node text", start);
                    _p++;
                    return trapText;
                }
            }
            else if (StartsWith(close))
            {
                break;
            }
            var c = _s[_p];
            if (c is '[' or ']' or '(' or ')' or '{' or '}' or '|' or '"')
                throw Error($"'{c}' cannot appear in unquoted node text; put the text in double quotes: [\"...\"]", _p);
            _p++;
        }
        var text = _s[start.._p];
        if (text.Length == 0) throw Error("empty node text", start);
        return text;
    }

    /// <summary>A <c>"string"</c> or <c>"`markdown`"</c> at <see cref="_p"/>; returns its content and leaves <see cref="_p"/> after it.</summary>
    private string ReadQuoted(out MermaidLabelKind kind)
    {
        var open = _p;
        if (StartsWith("\"`"))
        {
            var close = _s.IndexOf("`\"", _p + 2, StringComparison.Ordinal);
            if (close < 0) throw Error("markdown string \"` is never closed with `\"", open);
            kind = MermaidLabelKind.Markdown;
            var md = _s[(_p + 2)..close];
            _p = close + 2;
            return md;
        }
        var end = _s.IndexOf('"', _p + 1);
        if (end < 0) throw Error("string is never closed with '\"'", open);
        if (end == _p + 1) throw Error("empty string \"\"", open);
        kind = MermaidLabelKind.String;
        var text = _s[(_p + 1)..end];
        _p = end + 1;
        return text;
    }

    private void SkipShapeData()
    {
        var open = _p;
        _p += 2;
        while (_p < _s.Length && _s[_p] != '}')
        {
            if (_s[_p] == '"')
            {
                var end = _s.IndexOf('"', _p + 1);
                if (end < 0) throw Error("string in @{ } is never closed", _p);
                _p = end;
            }
            _p++;
        }
        if (_p >= _s.Length) throw Error("'@{' is never closed with '}'", open);
        _p++;
    }

    /// <summary>A node id as Mermaid's NODE_STRING and friends spell it (any case, digits, most punctuation, ':' but not ':::', '-' unless it starts a link).</summary>
    private string ScanId()
    {
        var start = _p;
        while (_p < _s.Length && IsIdChar(_p, _p == start)) _p++;
        return _s[start.._p];
    }

    private bool IsIdChar(int i, bool first)
    {
        var c = _s[i];
        if (char.IsLetterOrDigit(c)) return true;
        var next = i + 1 < _s.Length ? _s[i + 1] : '\0';
        return c switch
        {
            '_' or '!' or '#' or '$' or '%' or '\'' or '*' or '+' or '.' or '?' or '\\' or '/' or '`' or ',' => true,
            '&' => !first,
            ':' => !(next == ':' && i + 2 < _s.Length && _s[i + 2] == ':'),
            '-' => next != '\0' && next is not ('-' or '>' or '.'),
            '=' => next != '=',
            _ => false,
        };
    }

    private readonly record struct LinkToken(
        MermaidStroke Stroke, MermaidArrowHead Head, bool BothEnds, int Length, string? EdgeId,
        string? Label, MermaidLabelKind LabelKind, MermaidLabelPlacement Placement, MermaidSpan LabelSpan,
        MermaidSpan Arrow, int ArrowTokenStart, int ArrowTokenEnd);

    /// <summary>A link at <see cref="_p"/> (leading whitespace and even a line break allowed, as Mermaid's link tokens start with \s*), or null.</summary>
    private LinkToken? TryParseLink()
    {
        var save = _p;
        var at = _p;
        string? edgeId = null;
        var idMatch = EdgeIdPattern().Match(_s, at);
        if (idMatch.Success)
        {
            edgeId = idMatch.Groups[1].Value;
            at = idMatch.Index + idMatch.Length;
        }

        // The order of Mermaid's lexer rules: a complete arrow is tried before the start of an inline label.
        foreach (var (pattern, stroke, isStart) in LinkPatterns)
        {
            var m = pattern.Match(_s, at);
            if (!m.Success) continue;
            var token = m.Groups[1];
            var arrowStart = edgeId is null ? token.Index : idMatch.Groups[1].Index;
            if (!isStart)
            {
                var (head, both, length, endStroke) = DestructEndLink(token.Value);
                _p = m.Index + m.Length;
                string? label = null;
                var kind = MermaidLabelKind.Text;
                var placement = MermaidLabelPlacement.None;
                var labelSpan = default(MermaidSpan);
                var arrowEnd = token.Index + token.Length;
                if (_p < _s.Length && _s[_p] == '|')
                {
                    _p++;
                    var labelStart = _p;
                    label = ReadPipeText(out kind);
                    labelSpan = new MermaidSpan(labelStart, _p);
                    placement = MermaidLabelPlacement.Pipes;
                    _p++; // closing pipe
                    arrowEnd = _p;
                }
                return new LinkToken(endStroke, head, both, length, edgeId, label, kind, placement, labelSpan,
                    new MermaidSpan(arrowStart, arrowEnd), token.Index, token.Index + token.Length);
            }

            // -- text -->, == text ==>, -. text .->
            var textStart = m.Index + m.Length;
            var (end, textRule) = stroke switch
            {
                MermaidStroke.Thick => (ThickLink(), '='),
                MermaidStroke.Dotted => (DottedLink(), '.'),
                _ => (NormalLink(), '-'),
            };
            _p = textStart;
            string text;
            MermaidLabelKind textKind;
            Match close;
            if (_p < _s.Length && _s[_p] == '"')
            {
                text = ReadQuoted(out textKind);
                close = end.Match(_s, _p);
                if (!close.Success) throw Error($"expected the end of the link after the quoted label (started with '{token.Value}')", _p);
            }
            else
            {
                textKind = MermaidLabelKind.Text;
                while (true)
                {
                    if (_p >= _s.Length) throw Error($"the link label started with '{token.Value}' on line {LineOf(token.Index)} never ends", token.Index);
                    close = end.Match(_s, _p);
                    if (close.Success) break;
                    var c = _s[_p];
                    var followedBy = _p + 1 < _s.Length ? _s[_p + 1] : '\0';
                    if (c == '"') throw Error("a quote inside a link label: quote the whole label instead", _p);
                    var breaks = textRule switch
                    {
                        '-' => c == '-' && followedBy == '-',
                        '=' => c == '=' && followedBy == '=',
                        _ => c == '.' && followedBy == '-',
                    };
                    if (breaks) throw Error($"'{c}{followedBy}' inside the link label does not close the link started with '{token.Value}'", _p);
                    _p++;
                }
                text = _s[textStart.._p].Trim();
            }
            var closeToken = close.Groups[1];
            var closeInfo = DestructEndLink(closeToken.Value);
            if (closeInfo.Stroke != stroke)
                throw Error($"the link starts with '{token.Value}' but ends with '{closeToken.Value}'", closeToken.Index);
            var startPrefix = token.Value[0] is 'x' or 'o' or '<';
            var labelEnd = TrimEndIndex(textStart, closeToken.Index);
            _p = close.Index + close.Length;
            if (_p < _s.Length && _s[_p] == '|')
                throw Error("a link with an inline label (-- text -->) cannot also have a |label|", _p);
            return new LinkToken(stroke, closeInfo.Head, startPrefix, closeInfo.Length, edgeId,
                text, textKind, MermaidLabelPlacement.Inline, new MermaidSpan(textStart, labelEnd),
                new MermaidSpan(arrowStart, closeToken.Index + closeToken.Length), token.Index, closeToken.Index + closeToken.Length);
        }
        _p = save;
        return null;
    }

    private string ReadPipeText(out MermaidLabelKind kind)
    {
        var start = _p;
        if (_p < _s.Length && _s[_p] == '"')
        {
            var quoted = ReadQuoted(out kind);
            if (_p >= _s.Length || _s[_p] != '|') throw Error("expected '|' right after the quoted link label", _p);
            return quoted;
        }
        kind = MermaidLabelKind.Text;
        while (true)
        {
            if (_p >= _s.Length) throw Error("link label opened with '|' is never closed", start - 1);
            var c = _s[_p];
            if (c == '|') break;
            if (c is '[' or ']' or '(' or ')' or '{' or '}' or '"')
                throw Error($"'{c}' cannot appear in an unquoted link label; quote it: |\"...\"|", _p);
            _p++;
        }
        if (_p == start) throw Error("empty link label ||", start);
        return _s[start.._p];
    }

    /// <summary>Mermaid's destructEndLink: head from the last character, both ends from a matching first character, stroke and length from the rest.</summary>
    private static (MermaidArrowHead Head, bool BothEnds, int Length, MermaidStroke Stroke) DestructEndLink(string token)
    {
        var str = token.Trim();
        var line = str[..^1];
        var head = MermaidArrowHead.None;
        var both = false;
        switch (str[^1])
        {
            case 'x': head = MermaidArrowHead.Cross; both = str[0] == 'x'; break;
            case '>': head = MermaidArrowHead.Arrow; both = str[0] == '<'; break;
            case 'o': head = MermaidArrowHead.Circle; both = str[0] == 'o'; break;
        }
        if (both) line = line[1..];
        var stroke = MermaidStroke.Normal;
        var length = line.Length - 1;
        if (line.StartsWith('=')) stroke = MermaidStroke.Thick;
        if (line.StartsWith('~')) stroke = MermaidStroke.Invisible;
        var dots = line.Count(c => c == '.');
        if (dots > 0) { stroke = MermaidStroke.Dotted; length = dots; }
        return (head, both, Math.Min(Math.Max(length, 1), 10), stroke);
    }

    private static readonly (Regex Pattern, MermaidStroke Stroke, bool IsStart)[] LinkPatterns =
    [
        (NormalLink(), MermaidStroke.Normal, false),
        (NormalStart(), MermaidStroke.Normal, true),
        (ThickLink(), MermaidStroke.Thick, false),
        (ThickStart(), MermaidStroke.Thick, true),
        (DottedLink(), MermaidStroke.Dotted, false),
        (DottedStart(), MermaidStroke.Dotted, true),
        (InvisibleLink(), MermaidStroke.Invisible, false),
    ];

    // Mermaid's link tokens (flow.jison), anchored at the current position; group 1 is the arrow without the spaces.
    [GeneratedRegex(@"\G\s*([xo<]?--+[-xo>])\s*")] private static partial Regex NormalLink();
    [GeneratedRegex(@"\G\s*([xo<]?--)\s*")] private static partial Regex NormalStart();
    [GeneratedRegex(@"\G\s*([xo<]?==+[=xo>])\s*")] private static partial Regex ThickLink();
    [GeneratedRegex(@"\G\s*([xo<]?==)\s*")] private static partial Regex ThickStart();
    [GeneratedRegex(@"\G\s*([xo<]?-?\.+-[xo>]?)\s*")] private static partial Regex DottedLink();
    [GeneratedRegex(@"\G\s*([xo<]?-\.)\s*")] private static partial Regex DottedStart();
    [GeneratedRegex(@"\G\s*(~~~+)\s*")] private static partial Regex InvisibleLink();
    [GeneratedRegex(@"\G[ \t]+([A-Za-z0-9_]+)@(?=[^{""])")] private static partial Regex EdgeIdPattern();
    [GeneratedRegex(@"\G(flowchart-elk|flowchart|graph)(?![\w-])")] private static partial Regex HeaderWord();
    [GeneratedRegex(@"\G[ \t]+(TB|TD|BT|RL|LR|<|>|\^|v)(?![\w])")] private static partial Regex HeaderDirection();
    [GeneratedRegex(@"\G[A-Za-z]+")] private static partial Regex Word();

    // ---------------------------------------------------------------- helpers

    /// <summary>The next space-free argument after <paramref name="from"/> (spaces skipped), and where it ends.</summary>
    private string ArgumentAfter(int from, out int end)
    {
        var i = from;
        while (i < _s.Length && _s[i] is ' ' or '\t') i++;
        var start = i;
        while (i < _s.Length && !char.IsWhiteSpace(_s[i]) && _s[i] != ';') i++;
        end = i;
        return _s[start..i];
    }

    private void RestOfStatementRequired(int from, string message)
    {
        _p = from;
        SkipInlineSpaces();
        if (AtStatementEnd(_p)) throw Error(message, _p);
        RestOfStatement();
    }

    private void RestOfStatement()
    {
        while (_p < _s.Length && _s[_p] is not ('\n' or ';')) _p++;
        _p = TrimEndIndex(0, _p);
    }

    private void RestOfLine()
    {
        while (_p < _s.Length && _s[_p] != '\n')
        {
            if (_s[_p] == '"')
            {
                var end = _s.IndexOf('"', _p + 1);
                if (end < 0) throw Error("string is never closed with '\"'", _p);
                _p = end;
            }
            _p++;
        }
        _p = TrimEndIndex(0, _p);
    }

    private void AddStatement(MermaidStatementKind kind, int start, int end, IReadOnlyList<int>? linkIndices = null) =>
        _statements.Add(new MermaidStatement
        {
            Kind = kind,
            Line = LineOf(start),
            Text = _s[start..end],
            Span = new MermaidSpan(start, end),
            LinkIndices = linkIndices ?? [],
        });

    private int TrimEndIndex(int floor, int end)
    {
        while (end > floor && char.IsWhiteSpace(_s[end - 1])) end--;
        return end;
    }

    private bool AtStatementEnd(int i) => i >= _s.Length || _s[i] is '\n' or '\r' or ';';

    private bool AtLineStart(int i)
    {
        for (var j = i - 1; j >= 0; j--)
        {
            if (_s[j] == '\n') return true;
            if (_s[j] is not (' ' or '\t' or '\r')) return false;
        }
        return true;
    }

    private bool StartsWith(string text) => _p + text.Length <= _s.Length && string.CompareOrdinal(_s, _p, text, 0, text.Length) == 0;

    private void SkipInlineSpaces()
    {
        while (_p < _s.Length && _s[_p] is ' ' or '\t' or '\r') _p++;
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (_p < _s.Length && char.IsWhiteSpace(_s[_p])) _p++;
    }

    private void SkipSeparators()
    {
        while (_p < _s.Length && (char.IsWhiteSpace(_s[_p]) || _s[_p] == ';')) _p++;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    private int LineOf(int offset)
    {
        var i = Array.BinarySearch(_lineStarts, offset);
        return (i >= 0 ? i : ~i - 1) + 1;
    }

    private MermaidParseException Error(string reason, int offset)
    {
        offset = Math.Clamp(offset, 0, _s.Length);
        var line = LineOf(offset);
        return new MermaidParseException(reason, line, offset - _lineStarts[line - 1] + 1);
    }

    private static int[] LineStarts(string s)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < s.Length; i++)
            if (s[i] == '\n') starts.Add(i + 1);
        return [.. starts];
    }
}
