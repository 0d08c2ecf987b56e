using System.Text.RegularExpressions;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using SessionAnalytics.HelpBuilder.Model;

namespace SessionAnalytics.HelpBuilder.Markdown;

/// <summary>
/// Reads docs/&lt;Verb-Noun&gt;.md in the platyPS shape (# name, ## SYNOPSIS, ## SYNTAX, ## DESCRIPTION,
/// ## EXAMPLES, ## PARAMETERS, ## INPUTS, ## OUTPUTS, ## NOTES, ## RELATED LINKS). Structural mistakes are
/// reported with their line; the reader goes on so one build shows every mistake of a file.
/// </summary>
internal sealed class CommandHelpReader(HelpDiagnostics diagnostics)
{
    private static readonly string[] RequiredSections = ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS"];
    private static readonly string[] OptionalSections = ["NOTES", "RELATED LINKS"];
    private static readonly string[] PowerShellFences = ["powershell", "ps1", "pwsh", "ps", "posh", ""];
    private static readonly Regex CommandName = new(@"^[A-Z][A-Za-z]*-[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant);
    private static readonly Regex PipelineInput = new(@"^(False|True \((ByValue|ByPropertyName|ByValue, ByPropertyName|ByPropertyName, ByValue)\))$", RegexOptions.CultureInvariant);

    private string _file = "";
    private string _source = "";

    public CommandHelp? Read(string path, string displayPath)
    {
        _file = displayPath;
        _source = File.ReadAllText(path);
        var document = MarkdownText.Parse(_source);

        var title = document.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 1);
        if (title is null) { Error(1, "HB001", "The file has no '# Verb-Noun' title."); return null; }
        var name = MarkdownText.Heading(title);
        var expected = Path.GetFileNameWithoutExtension(path);
        if (!CommandName.IsMatch(name)) Error(title, "HB002", $"The title '{name}' is not a Verb-Noun command name.");
        else if (name != expected) Error(title, "HB003", $"The title '{name}' does not match the file name '{expected}.md'.");

        var sections = SplitSections(document);
        foreach (var required in RequiredSections.Where(r => !sections.ContainsKey(r)))
            Error(title, "HB004", $"'## {required}' is missing.");

        var synopsis = string.Join(" ", MarkdownText.Paragraphs(Section(sections, "SYNOPSIS").Blocks, _source));
        if (sections.ContainsKey("SYNOPSIS") && synopsis.Length == 0) Error(sections["SYNOPSIS"].Heading!, "HB005", "SYNOPSIS is empty.");

        var description = MarkdownText.Paragraphs(Section(sections, "DESCRIPTION").Blocks, _source);
        if (sections.ContainsKey("DESCRIPTION") && description.Count == 0) Error(sections["DESCRIPTION"].Heading!, "HB005", "DESCRIPTION is empty.");

        var syntax = ReadSyntax(name, Section(sections, "SYNTAX").Blocks);
        var parameters = ReadParameters(Section(sections, "PARAMETERS").Blocks);
        var examples = ReadExamples(Section(sections, "EXAMPLES").Blocks);
        var inputs = ReadTypes(sections, "INPUTS");
        var outputs = ReadTypes(sections, "OUTPUTS");
        var notes = MarkdownText.Paragraphs(Section(sections, "NOTES").Blocks, _source);
        var links = ReadLinks(Section(sections, "RELATED LINKS").Blocks);

        CheckSyntaxAgainstParameters(syntax, parameters);
        return new CommandHelp(name, synopsis, description, syntax, parameters, examples, inputs, outputs, notes, links, displayPath);
    }

    private sealed record SectionBlocks(HeadingBlock? Heading, List<Block> Blocks);

    private Dictionary<string, SectionBlocks> SplitSections(MarkdownDocument document)
    {
        var sections = new Dictionary<string, SectionBlocks>(StringComparer.Ordinal);
        SectionBlocks? current = null;
        foreach (var block in document)
        {
            if (block is HeadingBlock { Level: 1 }) continue;
            if (block is HeadingBlock { Level: 2 } heading)
            {
                var title = MarkdownText.Heading(heading).Trim();
                if (!RequiredSections.Contains(title) && !OptionalSections.Contains(title))
                {
                    Error(heading, "HB006", $"Unknown section '## {title}'. Sections are: {string.Join(", ", RequiredSections.Concat(OptionalSections))} (upper case).");
                    current = null;
                    continue;
                }
                if (sections.ContainsKey(title)) Error(heading, "HB007", $"'## {title}' appears twice.");
                current = sections[title] = new SectionBlocks(heading, []);
                continue;
            }
            if (block is Markdig.Extensions.Yaml.YamlFrontMatterBlock) continue;
            if (current is null)
            {
                if (block is not LinkReferenceDefinitionGroup)
                    Error(block, "HB008", "Text before the first '## SECTION' is not part of any help section.");
                continue;
            }
            current.Blocks.Add(block);
        }
        return sections;
    }

    private static SectionBlocks Section(Dictionary<string, SectionBlocks> sections, string name) =>
        sections.TryGetValue(name, out var section) ? section : new SectionBlocks(null, []);

    private List<SyntaxItem> ReadSyntax(string command, List<Block> blocks)
    {
        var items = new List<SyntaxItem>();
        string? setName = null;
        var isDefault = false;
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock { Level: 3 } heading:
                    setName = MarkdownText.Heading(heading).Trim();
                    isDefault = setName.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
                    if (isDefault) setName = setName[..^"(Default)".Length].Trim();
                    break;
                case FencedCodeBlock code:
                    // One line per parameter set; a line that does not start with the command continues the one before.
                    var lines = new List<(string Text, int Line)>();
                    var lineNumber = MarkdownText.LineOf(code) + 1;
                    foreach (var line in MarkdownText.Code(code).Split('\n'))
                    {
                        if (line.Trim().Length == 0) { lineNumber++; continue; }
                        if (line.TrimStart().StartsWith(command, StringComparison.OrdinalIgnoreCase) || lines.Count == 0)
                            lines.Add((line.Trim(), lineNumber));
                        else
                            lines[^1] = (lines[^1].Text + " " + line.Trim(), lines[^1].Line);
                        lineNumber++;
                    }
                    foreach (var (text, line) in lines)
                    {
                        if (!text.StartsWith(command + " ", StringComparison.OrdinalIgnoreCase) && !text.Equals(command, StringComparison.OrdinalIgnoreCase))
                        {
                            Error(line, "HB010", $"A syntax line must start with '{command}': '{text}'.");
                            continue;
                        }
                        if (ParseSyntaxLine(text[command.Length..], line) is { } parameters)
                            items.Add(new SyntaxItem(setName, isDefault, parameters, line));
                    }
                    break;
                default:
                    Error(block, "HB011", "SYNTAX holds only '### ParameterSetName' headings and ``` code blocks with the syntax lines.");
                    break;
            }
        }
        if (blocks.Count > 0 && items.Count == 0) Error(blocks[0], "HB012", "SYNTAX has no syntax line.");
        var named = items.Where(i => i.SetName is not null).ToList();
        if (named.Count > 0 && named.Count != items.Count)
            Error(items[0].Line, "HB013", "Either every syntax line sits under a '### ParameterSetName' heading or none does.");
        return items;
    }

    private enum TokenKind { Open, Close, Value, Word }

    /// <summary>
    /// The parameters of one syntax line and what the brackets say about them: <c>-Name &lt;T&gt;</c> mandatory
    /// and named, <c>[-Name] &lt;T&gt;</c> mandatory and positional, <c>[-Name &lt;T&gt;]</c> optional and named,
    /// <c>[[-Name] &lt;T&gt;]</c> optional and positional, <c>[-Switch]</c> optional switch.
    /// </summary>
    private List<SyntaxParameter>? ParseSyntaxLine(string rest, int line)
    {
        var tokens = new List<(TokenKind Kind, string Text)>();
        for (var i = 0; i < rest.Length;)
        {
            var c = rest[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '[') { tokens.Add((TokenKind.Open, "[")); i++; continue; }
            if (c == ']') { tokens.Add((TokenKind.Close, "]")); i++; continue; }
            if (c == '<')
            {
                var end = rest.IndexOf('>', i);
                if (end < 0) { Error(line, "HB014", $"Unclosed '<' in the syntax line at '{rest[i..]}'."); return null; }
                tokens.Add((TokenKind.Value, rest[(i + 1)..end])); i = end + 1; continue;
            }
            var start = i;
            while (i < rest.Length && !char.IsWhiteSpace(rest[i]) && rest[i] is not '[' and not ']') i++;
            tokens.Add((TokenKind.Word, rest[start..i]));
        }

        var parameters = new List<SyntaxParameter>();
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var (kind, text) = tokens[i];
            switch (kind)
            {
                case TokenKind.Open: depth++; break;
                case TokenKind.Close:
                    if (--depth < 0) { Error(line, "HB014", "Unbalanced ']' in the syntax line."); return null; }
                    break;
                case TokenKind.Value: break;
                case TokenKind.Word when text.Length > 1 && text[0] == '-' && char.IsLetter(text[1]):
                    // [-Name] <Type>: brackets around the name alone, a value after them. [-Force] is an optional switch.
                    var positional = i > 0 && tokens[i - 1].Kind == TokenKind.Open
                        && i + 2 < tokens.Count && tokens[i + 1].Kind == TokenKind.Close && tokens[i + 2].Kind == TokenKind.Value;
                    var optionalDepth = depth - (positional ? 1 : 0);
                    parameters.Add(new SyntaxParameter(text[1..], optionalDepth == 0, positional));
                    break;
                default:
                    Error(line, "HB015", $"Unexpected '{text}' in the syntax line: write parameters as -Name <Type>, in [ ] when optional.");
                    return null;
            }
        }
        if (depth != 0) { Error(line, "HB014", "Unbalanced '[' in the syntax line."); return null; }
        if (!tokens.Any(t => t.Kind == TokenKind.Value && t.Text == "CommonParameters"))
            Error(line, "HB016", "The syntax line lacks [<CommonParameters>].");
        return parameters;
    }

    private List<ParameterHelp> ReadParameters(List<Block> blocks)
    {
        var parameters = new List<ParameterHelp>();
        string? name = null;
        var nameLine = 0;
        var description = new List<Block>();
        var attributes = new List<ParameterAttributes>();
        var skipping = false;

        void Flush()
        {
            if (name is null) return;
            var text = MarkdownText.Paragraphs(description, _source);
            if (text.Count == 0) Error(nameLine, "HB020", $"Parameter -{name} has no description.");
            if (attributes.Count == 0) Error(nameLine, "HB021", $"Parameter -{name} has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters).");
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))) Error(nameLine, "HB022", $"Parameter -{name} is documented twice.");
            parameters.Add(new ParameterHelp(name, text, attributes.ToList(), nameLine));
            name = null;
            description.Clear();
            attributes.Clear();
        }

        foreach (var block in blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading)
            {
                Flush();
                var title = MarkdownText.Heading(heading).Trim();
                skipping = title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase);
                if (skipping) continue;
                if (!title.StartsWith('-') || title.Length < 2)
                {
                    Error(heading, "HB023", $"A parameter heading is '### -Name', not '### {title}'.");
                    continue;
                }
                name = title[1..];
                nameLine = MarkdownText.LineOf(heading);
                continue;
            }
            if (skipping) continue;
            if (name is null) { Error(block, "HB024", "PARAMETERS holds '### -Name' entries only; this text belongs to none."); continue; }
            if (block is FencedCodeBlock code && MarkdownText.FenceLanguage(code) == "yaml")
            {
                if (ReadAttributes(code) is { } parsed) attributes.Add(parsed);
            }
            else description.Add(block);
        }
        Flush();
        return parameters;
    }

    private ParameterAttributes? ReadAttributes(FencedCodeBlock code)
    {
        var line = MarkdownText.LineOf(code);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var known = new[] { "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters" };
        var offset = 1;
        foreach (var raw in MarkdownText.Code(code).Split('\n'))
        {
            var text = raw.Trim();
            if (text.Length == 0) { offset++; continue; }
            var colon = text.IndexOf(':');
            if (colon <= 0) { Error(line + offset, "HB025", $"'{text}' is not 'Key: Value'."); offset++; continue; }
            var key = text[..colon].Trim();
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
                Error(line + offset, "HB026", $"Unknown key '{key}'. Keys are: {string.Join(", ", known)}.");
            else values[key] = text[(colon + 1)..].Trim();
            offset++;
        }

        string Get(string key, string fallback) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : fallback;
        bool? Bool(string key, string fallback)
        {
            var v = Get(key, fallback);
            if (bool.TryParse(v, out var b)) return b;
            Error(line, "HB027", $"'{key}: {v}' must be True or False.");
            return null;
        }

        if (!values.ContainsKey("Type")) { Error(line, "HB028", "The yaml block lacks 'Type:'."); return null; }
        if (!values.ContainsKey("Required")) Error(line, "HB028", "The yaml block lacks 'Required:'.");
        if (!values.ContainsKey("Position")) Error(line, "HB028", "The yaml block lacks 'Position:'.");
        var position = Get("Position", "Named");
        if (!position.Equals("Named", StringComparison.OrdinalIgnoreCase) && !(int.TryParse(position, out var p) && p >= 0))
            Error(line, "HB029", $"'Position: {position}' must be Named or a number from 0.");
        var pipeline = Get("Accept pipeline input", "False");
        if (!PipelineInput.IsMatch(pipeline))
            Error(line, "HB030", $"'Accept pipeline input: {pipeline}' must be False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).");
        var required = Bool("Required", "False");
        var globbing = Bool("Accept wildcard characters", "False");
        return new ParameterAttributes(
            Get("Type", ""),
            SplitList(Get("Parameter Sets", "(All)")),
            SplitList(Get("Aliases", "None")).Where(a => !a.Equals("None", StringComparison.OrdinalIgnoreCase)).ToList(),
            required ?? false,
            position,
            Get("Default value", "None"),
            pipeline,
            globbing ?? false,
            line)
        {
            AcceptedValues = values.TryGetValue("Accepted values", out var accepted) ? SplitList(accepted) : [],
        };
    }

    private static List<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private List<ExampleHelp> ReadExamples(List<Block> blocks)
    {
        var examples = new List<ExampleHelp>();
        HeadingBlock? title = null;
        var code = new List<string>();
        var remarks = new List<Block>();

        void Flush()
        {
            if (title is null) return;
            var text = MarkdownText.Heading(title);
            if (code.Count == 0) Error(title, "HB031", $"Example '{text}' has no ```powershell code block.");
            examples.Add(new ExampleHelp(text, string.Join("\n\n", code), MarkdownText.Paragraphs(remarks, _source), MarkdownText.LineOf(title)));
            title = null;
            code.Clear();
            remarks.Clear();
        }

        foreach (var block in blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading) { Flush(); title = heading; continue; }
            if (title is null) { Error(block, "HB032", "EXAMPLES holds '### Example N: Title' entries only; this text belongs to none."); continue; }
            // The commands come first; what follows (explanations, sample output) is the example's remarks.
            if (block is FencedCodeBlock fenced && remarks.Count == 0 && PowerShellFences.Contains(MarkdownText.FenceLanguage(fenced)))
                code.Add(MarkdownText.Code(fenced));
            else
                remarks.Add(block);
        }
        Flush();
        return examples;
    }

    private List<TypeHelp> ReadTypes(Dictionary<string, SectionBlocks> sections, string sectionName)
    {
        if (!sections.TryGetValue(sectionName, out var section)) return [];
        var types = new List<TypeHelp>();
        string? name = null;
        var description = new List<Block>();
        void Flush()
        {
            if (name is not null) types.Add(new TypeHelp(name, MarkdownText.Paragraphs(description, _source)));
            name = null;
            description.Clear();
        }
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading) { Flush(); name = MarkdownText.Heading(heading).Trim(); continue; }
            if (name is null) { Error(block, "HB033", $"{sectionName} holds '### TypeName' entries (or '### None')."); continue; }
            description.Add(block);
        }
        Flush();
        if (types.Count == 0) Error(section.Heading!, "HB034", $"{sectionName} names no type; write '### None' when there is none.");
        return types;
    }

    private List<RelatedLink> ReadLinks(List<Block> blocks)
    {
        var links = new List<RelatedLink>();
        foreach (var block in blocks)
        {
            var inlines = block switch
            {
                ListBlock list => list.OfType<ListItemBlock>().SelectMany(i => i.OfType<ParagraphBlock>()).Select(p => p.Inline),
                ParagraphBlock p => [p.Inline],
                _ => [],
            };
            foreach (var inline in inlines)
            {
                if (inline is null) continue;
                var link = inline.Descendants<LinkInline>().FirstOrDefault();
                if (link is not null) links.Add(new RelatedLink(MarkdownText.Inline(link), link.Url));
                else links.Add(new RelatedLink(MarkdownText.Inline(inline), null));
            }
        }
        return links;
    }

    private void CheckSyntaxAgainstParameters(List<SyntaxItem> syntax, List<ParameterHelp> parameters)
    {
        var documented = parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var item in syntax)
        {
            foreach (var sp in item.Parameters)
            {
                if (!documented.TryGetValue(sp.Name, out var doc))
                {
                    Error(item.Line, "HB040", $"-{sp.Name} appears in the syntax but has no '### -{sp.Name}' entry under PARAMETERS.");
                    continue;
                }
                var attributes = doc.For(item.SetName);
                if (attributes is null)
                {
                    Error(doc.Line, "HB041", $"-{sp.Name} has no yaml block for parameter set '{item.SetName}' (Parameter Sets: lists the sets).");
                    continue;
                }
                if (attributes.Required != sp.Mandatory)
                    Error(attributes.Line, "HB042", $"-{sp.Name}: 'Required: {attributes.Required}' but the syntax line {item.Line} shows it {(sp.Mandatory ? "mandatory" : "optional")}{(item.SetName is null ? "" : $" in set '{item.SetName}'")}.");
                if (attributes.IsNamed == sp.Positional)
                    Error(attributes.Line, "HB043", $"-{sp.Name}: 'Position: {attributes.Position}' but the syntax line {item.Line} shows it {(sp.Positional ? "positional ([-Name] <Type>)" : "named")}.");
            }
        }
        foreach (var doc in parameters.Where(p => !syntax.Any(s => s.Parameters.Any(sp => sp.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase)))))
            Error(doc.Line, "HB044", $"-{doc.Name} is documented but appears in no syntax line.");
    }

    private void Error(Block block, string code, string message) => Error(MarkdownText.LineOf(block), code, message);
    private void Error(int line, string code, string message) => diagnostics.Error(_file, line, code, message);
}
