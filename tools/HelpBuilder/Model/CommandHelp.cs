namespace SessionAnalytics.HelpBuilder.Model;

/// <summary>One cmdlet's help as read from docs/&lt;Verb-Noun&gt;.md; the MAML writer's only input.</summary>
internal sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxItem> Syntax,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<RelatedLink> Links,
    string SourcePath)
{
    public string Verb => Name[..Name.IndexOf('-')];
    public string Noun => Name[(Name.IndexOf('-') + 1)..];
}

/// <summary>One parameter set as the SYNTAX section writes it.</summary>
/// <param name="SetName">The set's name from a "### Name" heading above the block; null when the doc names none.</param>
internal sealed record SyntaxItem(string? SetName, bool IsDefault, IReadOnlyList<SyntaxParameter> Parameters, int Line);

/// <summary>A parameter as it appears in a syntax line: the brackets say whether it is mandatory and positional.</summary>
internal sealed record SyntaxParameter(string Name, bool Mandatory, bool Positional);

internal sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterAttributes> Attributes, int Line)
{
    /// <summary>The attribute block that applies to a parameter set: the one naming it, else "(All)", else the only one.</summary>
    public ParameterAttributes? For(string? setName) =>
        Attributes.FirstOrDefault(a => setName is not null && a.ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase))
        ?? Attributes.FirstOrDefault(a => a.AppliesToAllSets)
        ?? (Attributes.Count == 1 ? Attributes[0] : null);
}

/// <summary>The ```yaml block under a parameter.</summary>
internal sealed record ParameterAttributes(
    string Type,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<string> Aliases,
    bool Required,
    string Position,
    string DefaultValue,
    string PipelineInput,
    bool Globbing,
    int Line)
{
    /// <summary>"Accepted values:" (a ValidateSet), shown by Get-Help as the parameter's value group.</summary>
    public IReadOnlyList<string> AcceptedValues { get; init; } = [];

    public bool AppliesToAllSets => ParameterSets.Count == 0 || ParameterSets.Contains("(All)", StringComparer.OrdinalIgnoreCase);
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
    public bool IsNamed => Position.Equals("Named", StringComparison.OrdinalIgnoreCase);
}

internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks, int Line);

internal sealed record TypeHelp(string Name, IReadOnlyList<string> Description);

internal sealed record RelatedLink(string Text, string? Uri);

/// <summary>An about_ topic read from docs/about_*.md.</summary>
internal sealed record AboutTopic(string Name, string ShortDescription, IReadOnlyList<AboutBlock> Body);

/// <summary>One block of an about topic's body, in document order.</summary>
internal abstract record AboutBlock;
/// <summary>A heading: level 2 for sections (LONG DESCRIPTION, SEE ALSO, ...), 3 and 4 for subsections.</summary>
internal sealed record AboutHeading(int Level, string Text) : AboutBlock;
internal sealed record AboutParagraph(string Text) : AboutBlock;
internal sealed record AboutListItem(string Bullet, string Text, int Depth) : AboutBlock;
/// <summary>Preformatted lines (code blocks, tables): kept verbatim at <paramref name="Indent"/>, never re-wrapped.</summary>
internal sealed record AboutPreformatted(IReadOnlyList<string> Lines, int Indent, int SourceLine) : AboutBlock;
