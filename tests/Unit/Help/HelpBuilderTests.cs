using System.Xml.Linq;
using SessionAnalytics.HelpBuilder;
using SessionAnalytics.HelpBuilder.Markdown;
using SessionAnalytics.HelpBuilder.Model;
using SessionAnalytics.HelpBuilder.Output;
using SessionAnalytics.Tests.ModuleContract.Probes;

namespace SessionAnalytics.Tests.Help;

/// <summary>The help builder on its own: what it reads from docs/, what it rejects (with the line), what it writes.</summary>
public sealed class HelpBuilderTests : IDisposable
{
    private readonly DirectoryInfo _docs = Directory.CreateTempSubdirectory("sa-help-docs-");
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("sa-help-out-");

    public void Dispose()
    {
        _docs.Delete(recursive: true);
        _output.Delete(recursive: true);
    }

    private (CommandHelp? Help, HelpDiagnostics Diagnostics) Read(string name, string markdown)
    {
        var path = Path.Combine(_docs.FullName, name + ".md");
        File.WriteAllText(path, markdown);
        var diagnostics = new HelpDiagnostics();
        return (new CommandHelpReader(diagnostics).Read(path, path), diagnostics);
    }

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text);
        return text.Replace(from, to);
    }

    [Fact]
    public void ReadsEverySectionOfAWellFormedDoc()
    {
        var (help, diagnostics) = Read("Get-ContractProbe", ProbeDocs.GetContractProbe);
        Assert.Empty(diagnostics.Items);
        Assert.NotNull(help);
        Assert.Equal("Get", help.Verb);
        Assert.Equal("ContractProbe", help.Noun);
        Assert.Equal("Gets probe records for paths.", help.Synopsis);
        Assert.Equal(2, help.Syntax.Count);
        Assert.Equal("Path", help.Syntax[0].SetName);
        Assert.True(help.Syntax[0].IsDefault);
        Assert.Equal([new SyntaxParameter("Path", Mandatory: false, Positional: true), new SyntaxParameter("Force", false, false)], help.Syntax[0].Parameters);
        Assert.Equal([new SyntaxParameter("LiteralPath", Mandatory: true, Positional: false), new SyntaxParameter("Force", false, false)], help.Syntax[1].Parameters);
        Assert.Equal(["Path", "LiteralPath", "Force"], help.Parameters.Select(p => p.Name));
        Assert.Equal(["PSPath"], help.Parameters[1].Attributes[0].Aliases);
        Assert.Equal("True (ByValue, ByPropertyName)", help.Parameters[0].Attributes[0].PipelineInput);
        Assert.Equal(2, help.Examples.Count);
        Assert.Equal("'x', 'yy' | Get-ContractProbe | Where-Object Length -gt 1", help.Examples[1].Code);
        Assert.Equal(["Strings bind to -Path by value."], help.Examples[1].Remarks);
        Assert.Equal("System.String[]", Assert.Single(help.Inputs).Name);
        Assert.Equal(["A probe for the tests."], help.Notes);
        Assert.Equal("about_SessionAnalytics", Assert.Single(help.Links).Text);
    }

    [Theory]
    [InlineData("[-Force]", false, false)]
    [InlineData("-Name <String>", true, false)]
    [InlineData("[-Name] <String>", true, true)]
    [InlineData("[-Name <String>]", false, false)]
    [InlineData("[[-Name] <String[]>]", false, true)]
    public void SyntaxBracketsSayMandatoryAndPositional(string fragment, bool mandatory, bool positional)
    {
        var doc = Replace(ProbeDocs.GetContractProbe, "Get-ContractProbe [[-Path] <String[]>] [-Force] [<CommonParameters>]",
            $"Get-ContractProbe {fragment.Replace("Name", "Path")} [-Force] [<CommonParameters>]");
        var (help, _) = Read("Get-ContractProbe", doc);
        Assert.Equal(new SyntaxParameter(fragment.Contains("Force") ? "Force" : "Path", mandatory, positional), help!.Syntax[0].Parameters[0]);
    }

    [Theory]
    [InlineData("## SYNOPSIS", "## SYNOPSES", "HB006")]
    [InlineData("## OUTPUTS", "## OUT", "HB004")]
    [InlineData("# Get-ContractProbe", "# Get-OtherProbe", "HB003")]
    [InlineData("[-Force] [<CommonParameters>]\n```\n\n### LiteralPath", "[-Force] [-Extra <String>] [<CommonParameters>]\n```\n\n### LiteralPath", "HB040")]
    [InlineData("Required: True", "Required: False", "HB042")]
    [InlineData("Position: 0", "Position: Named", "HB043")]
    [InlineData("Default value: False", "Default: False", "HB026")]
    [InlineData("Required: True", "Required: yes", "HB027")]
    [InlineData("Accept pipeline input: True (ByPropertyName)", "Accept pipeline input: Yes", "HB030")]
    [InlineData("Paths taken exactly as written.", "", "HB020")]
    [InlineData("[-Force] [<CommonParameters>]\n```\n\n### LiteralPath", "[-Force]\n```\n\n### LiteralPath", "HB016")]
    [InlineData("Emits two records, with lengths 1 and 2.", "Emits two records.\n\n### Example 3: No code\nNothing.", "HB031")]
    public void RejectsAMalformedDocWithItsLine(string from, string to, string code)
    {
        var doc = Replace(ProbeDocs.GetContractProbe, from, to);
        var (_, diagnostics) = Read("Get-ContractProbe", doc);
        var diagnostic = Assert.Single(diagnostics.Items, d => d.Code == code);
        Assert.True(diagnostic.Line > 0);
        // MSBuild shows "file(line): error CODE: text" as a build error pointing at the doc.
        Assert.Matches(@"^.+Get-ContractProbe\.md\(\d+\): error HB\d{3}: .+$", diagnostic.ToString());
    }

    [Fact]
    public void AcceptedValuesBecomeTheParametersValueGroup()
    {
        File.WriteAllText(Path.Combine(_docs.FullName, "Get-ContractProbe.md"),
            Replace(ProbeDocs.GetContractProbe, "Parameter Sets: LiteralPath\nAliases: PSPath", "Parameter Sets: LiteralPath\nAliases: PSPath\nAccepted values: Csv, Markdown, Html"));
        var result = HelpBuild.Run(_docs.FullName, _output.FullName, "X.dll");
        Assert.Empty(result.Diagnostics.Items);
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        var maml = XDocument.Load(Path.Combine(_output.FullName, "X.dll-Help.xml"));
        var literal = maml.Descendants(command + "parameters").Single().Elements(command + "parameter").ElementAt(1);
        Assert.Equal(["Csv", "Markdown", "Html"], literal.Element(command + "parameterValueGroup")!.Elements(command + "parameterValue").Select(v => v.Value));
    }

    [Fact]
    public void TheLineOfAnErrorIsTheDocsLine()
    {
        var doc = Replace(ProbeDocs.GetContractProbe, "Default value: False", "Defaults: False");
        var (_, diagnostics) = Read("Get-ContractProbe", doc);
        var line = doc.Split('\n').Select((l, i) => (l, i)).First(x => x.l.StartsWith("Defaults:")).i + 1;
        Assert.Equal(line, Assert.Single(diagnostics.Items).Line);
    }

    [Fact]
    public void RunWritesNothingWhenADocHasAnError()
    {
        File.WriteAllText(Path.Combine(_docs.FullName, "Get-ContractProbe.md"), ProbeDocs.GetContractProbe.Replace("## SYNOPSIS", "## SUMMARY"));
        var result = HelpBuild.Run(_docs.FullName, _output.FullName, "X.dll");
        Assert.True(result.Diagnostics.HasErrors);
        Assert.Empty(_output.GetFiles());
    }

    [Fact]
    public void RunIgnoresMarkdownThatIsNotHelp()
    {
        File.WriteAllText(Path.Combine(_docs.FullName, "Get-ContractProbe.md"), ProbeDocs.GetContractProbe);
        File.WriteAllText(Path.Combine(_docs.FullName, "integration.md"), "# Claude Code integration\nNot a cmdlet.");
        var result = HelpBuild.Run(_docs.FullName, _output.FullName, "X.dll");
        Assert.Empty(result.Diagnostics.Items);
        Assert.Equal(1, result.CommandCount);
        var maml = XDocument.Load(Path.Combine(_output.FullName, "X.dll-Help.xml"));
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        Assert.Equal("Get-ContractProbe", Assert.Single(maml.Descendants(command + "details")).Element(command + "name")!.Value);
        // A switch shows no value in the syntax, as Get-Help prints "[-Force]".
        var force = maml.Descendants(command + "syntaxItem").First().Elements(command + "parameter").Last();
        Assert.Null(force.Element(command + "parameterValue"));
        Assert.Equal("true", maml.Descendants(command + "parameters").Single().Elements(command + "parameter").ElementAt(1).Attribute("required")!.Value);
    }

    [Fact]
    public void AboutTopicUsesTheClassicLayoutWithin80Columns()
    {
        var path = Path.Combine(_docs.FullName, "about_Probe.md");
        File.WriteAllText(path, """
            # about_Probe
            ## SHORT DESCRIPTION
            A probe topic whose short description is long enough that it must wrap onto a second line of the text.
            ## LONG DESCRIPTION
            First paragraph with `code` and a [link](https://example.org/a/very/long/address/that/is/not/broken).

            ### A subsection
            - a list item that is long enough to wrap past the eighty column limit of the about topic output
            - second

            ```powershell
            Get-ContractProbe -Path 'a'
            ```
            ## See also
            Get-ContractProbe
            """);
        var diagnostics = new HelpDiagnostics();
        var topic = new AboutTopicReader(diagnostics).Read(path, path)!;
        var text = AboutTopicWriter.Render(topic, path, diagnostics);
        Assert.Empty(diagnostics.Items);
        var lines = text.Split('\n');
        Assert.Equal(["TOPIC", "    about_Probe", "", "SHORT DESCRIPTION"], lines[..4]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        Assert.Contains("  A SUBSECTION", lines);
        Assert.Contains("        Get-ContractProbe -Path 'a'", lines);
        var item = Array.FindIndex(lines, l => l.StartsWith("    - a list item"));
        Assert.True(item > 0);
        Assert.Matches("^      [a-z]", lines[item + 1]); // the wrapped rest hangs under the item's text
        Assert.Contains("SEE ALSO", lines);
        Assert.DoesNotContain("`", text);
    }

    [Fact]
    public void AboutTopicWarnsAboutLinesThatCannotBeWrapped()
    {
        var path = Path.Combine(_docs.FullName, "about_Probe.md");
        File.WriteAllText(path, "# about_Probe\n## SHORT DESCRIPTION\nShort.\n## LONG DESCRIPTION\nText.\n\n```\n" + new string('x', 75) + "\n```\n");
        var diagnostics = new HelpDiagnostics();
        AboutTopicWriter.Render(new AboutTopicReader(diagnostics).Read(path, path)!, path, diagnostics);
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal("HB110", warning.Code);
        Assert.Equal(8, warning.Line);
        Assert.True(warning.IsWarning);
        Assert.False(diagnostics.HasErrors);
    }

    [Fact]
    public void WrapKeepsWordsWholeAndIndents()
    {
        var lines = TextWrapper.Wrap("aaa bbb ccc " + new string('d', 30), 20, "  - ", "    ").ToList();
        Assert.Equal(["  - aaa bbb ccc", "    " + new string('d', 30)], lines);
    }
}
