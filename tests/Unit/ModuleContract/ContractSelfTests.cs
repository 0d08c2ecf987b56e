using System.Management.Automation;
using SessionAnalytics.HelpBuilder;
using SessionAnalytics.Tests.Infrastructure;
using SessionAnalytics.Tests.ModuleContract.Probes;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// Imports this test assembly as a binary module with MAML built from <see cref="ProbeDocs"/> by the real help
/// builder, so the probe cmdlets have help exactly as the module's cmdlets do.
/// </summary>
public sealed class ProbeModuleFixture : IDisposable
{
    public ModuleHost Host { get; }

    public ProbeModuleFixture()
    {
        var docs = Directory.CreateTempSubdirectory("sa-probe-docs-");
        try
        {
            File.WriteAllText(Path.Combine(docs.FullName, "Get-ContractProbe.md"), ProbeDocs.GetContractProbe);
            File.WriteAllText(Path.Combine(docs.FullName, "Publish-BrokenProbe.md"), ProbeDocs.PublishBrokenProbe);
            // Get-Help looks for <assembly file>-Help.xml in the culture folder beside the assembly.
            var assembly = typeof(ProbeModuleFixture).Assembly.Location;
            var result = HelpBuild.Run(docs.FullName, Path.Combine(Path.GetDirectoryName(assembly)!, "en-US"), Path.GetFileName(assembly));
            Assert.False(result.Diagnostics.HasErrors, string.Join("\n", result.Diagnostics.Items));
            Host = new ModuleHost();
            Host.Run("Import-Module -Name $args[0] -WarningAction SilentlyContinue", assembly).AssertNoErrors();
        }
        finally { docs.Delete(recursive: true); }
    }

    public CmdletInfo Cmdlet(string name) =>
        Assert.IsType<CmdletInfo>(Assert.Single(Host.Run("Get-Command -Name $args[0]", name).AssertNoErrors().Output));

    public CommandHelp Help(string name) => CommandHelp.Get(Host, name);

    public void Dispose() => Host.Dispose();
}

/// <summary>
/// Proves every contract rule can fail: a probe that follows the rules passes each of them, a probe that breaks
/// them is caught by each, with a message that names the mistake.
/// </summary>
public sealed class ContractSelfTests(ProbeModuleFixture probes) : IClassFixture<ProbeModuleFixture>
{
    private const string Good = "Get-ContractProbe";
    private const string Broken = "Publish-BrokenProbe";

    [Fact]
    public void AProbeThatFollowsTheRulesPassesEveryRule()
    {
        var cmdlet = probes.Cmdlet(Good);
        var help = probes.Help(Good);
        var problems = CmdletContract.Verb(cmdlet)
            .Concat(CmdletContract.OutputTypes(cmdlet))
            .Concat(CmdletContract.PipelineBinding(cmdlet))
            .Concat(CmdletContract.ShouldProcess(cmdlet))
            .Concat(CmdletContract.PathPairs(cmdlet))
            .Concat(CmdletContract.BaseClass(cmdlet, typeof(PSCmdlet).FullName!))
            .Concat(CmdletContract.CompleterWiring(cmdlet))
            .Concat(CmdletContract.DefaultParameterSet(cmdlet))
            .Concat(CmdletContract.HelpPresent(cmdlet, help))
            .Concat(CmdletContract.ParametersDocumented(cmdlet, help))
            .Concat(CmdletContract.ParameterFacts(cmdlet, help))
            .Concat(CmdletContract.Syntax(cmdlet, help))
            .Concat(CmdletContract.Examples(cmdlet, help))
            .Concat(CmdletContract.ExamplesParse(help))
            .Concat(CmdletContract.OutputsDocumented(cmdlet, help));
        CmdletContract.AssertNone(Good, problems);
    }

    [Fact]
    public void GetHelpShowsWhatTheDocSays()
    {
        var help = probes.Help(Good);
        Assert.Equal("Gets probe records for paths.", help.Synopsis);
        Assert.StartsWith("The Get-ContractProbe cmdlet emits one ContractProbeRecord per path", help.Description);
        Assert.Equal(["Path", "LiteralPath", "Force"], help.Parameters.Select(p => p.Name));
        Assert.Equal("Paths taken exactly as written.", help.Parameters[1].Description);
        Assert.Equal(["PSPath"], help.Parameters[1].Aliases);
        Assert.Equal(2, help.Examples.Count);
        Assert.Equal("Get-ContractProbe -Path 'a', 'bb'", help.Examples[0].Code);
        Assert.Equal("Emits two records, with lengths 1 and 2.", help.Examples[0].Remarks);
        Assert.Contains("Example 2: Paths from the pipeline", help.Examples[1].Title);
        Assert.Equal(2, help.Syntax.Count);
        Assert.Equal(["SessionAnalytics.Tests.ModuleContract.Probes.ContractProbeRecord"], help.Outputs);
        // The probe really runs, so the examples are not just text.
        var records = probes.Host.Run(help.Examples[1].Code).AssertNoErrors().Of<ContractProbeRecord>();
        Assert.Equal("yy", Assert.Single(records).Name);
    }

    [Fact]
    public void UnapprovedVerbIsCaught() =>
        Assert.Contains(CmdletContract.Verb(probes.Cmdlet("Fetch-ContractProbe")), p => p.Contains("'Fetch' is not an approved verb"));

    [Fact]
    public void MissingHelpIsCaught() =>
        Assert.Contains(CmdletContract.HelpPresent(probes.Cmdlet("Fetch-ContractProbe"), probes.Help("Fetch-ContractProbe")), p => p.Contains("has no help"));

    [Fact]
    public void CmdletRuleBreaksAreCaught()
    {
        var cmdlet = probes.Cmdlet(Broken);
        Assert.Contains(CmdletContract.OutputTypes(cmdlet), p => p.Contains("no [OutputType]"));
        Assert.Contains(CmdletContract.PipelineBinding(cmdlet), p => p.Contains("takes nothing from the pipeline"));
        Assert.Contains(CmdletContract.ShouldProcess(cmdlet), p => p.Contains("lacks SupportsShouldProcess"));
        Assert.Contains(CmdletContract.PathPairs(cmdlet), p => p.Contains("without -LiteralPath"));
        Assert.Contains(CmdletContract.CompleterWiring(cmdlet), p => p.Contains("-Branch needs [ArgumentCompleter(typeof(BranchCompleter))]"));
        Assert.Contains(CmdletContract.BaseClass(cmdlet), p => p.Contains("does not derive from SessionAnalytics.PowerShell.Infrastructure.SessionAnalyticsCmdlet"));
    }

    [Fact]
    public void HelpThatDisagreesWithTheCmdletIsCaught()
    {
        var cmdlet = probes.Cmdlet(Broken);
        var help = probes.Help(Broken);
        Assert.Contains(CmdletContract.HelpPresent(cmdlet, help), p => p.Contains("DESCRIPTION is 6 characters"));
        var documented = CmdletContract.ParametersDocumented(cmdlet, help).ToList();
        Assert.Contains("-Count has no help.", documented);
        Assert.Contains("help documents -Gone, which the cmdlet lacks.", documented);
        var facts = CmdletContract.ParameterFacts(cmdlet, help).ToList();
        Assert.Contains(facts, p => p.Contains("-Path: help says type Int32, the cmdlet takes String"));
        Assert.Contains(facts, p => p.Contains("-Path: help says 'Accept pipeline input: True (ByValue)', the cmdlet binds False"));
        Assert.Contains(facts, p => p.Contains("-Path: help says 'Accept wildcard characters: True'"));
        Assert.Contains(CmdletContract.Syntax(cmdlet, help), p => p.Contains("no SYNTAX line has exactly the parameters"));
        var examples = CmdletContract.Examples(cmdlet, help).ToList();
        Assert.Contains(examples, p => p.Contains("1 example(s)"));
        Assert.Contains(examples, p => p.Contains("does not use Publish-BrokenProbe"));
        Assert.Contains(examples, p => p.Contains("does not explain itself"));
        Assert.Contains(CmdletContract.ExamplesParse(help), p => p.Contains("does not parse"));
        // A writer without SupportsShouldProcess has no -WhatIf; OUTPUTS says None while there is no [OutputType]: nothing to compare.
        Assert.Empty(CmdletContract.OutputsDocumented(cmdlet, help));
    }

    [Fact]
    public void SyntaxMismatchOfMandatoryAndPositionIsCaught()
    {
        // The good probe's help describes set Path; compare it with a cmdlet whose -Path is mandatory and named.
        var help = probes.Help(Good);
        var syntax = help.Syntax.Select(item => (IReadOnlyList<HelpParameter>)item.Select(p =>
            p.Name == "Path" ? p with { Required = true, Position = "named" } : p).ToList()).ToList();
        var problems = CmdletContract.Syntax(probes.Cmdlet(Good), help with { Syntax = syntax }).ToList();
        Assert.Contains(problems, p => p.Contains("-Path is optional but the syntax shows it mandatory"));
        Assert.Contains(problems, p => p.Contains("-Path has position 0 but the help says named"));
    }

    [Fact]
    public void FormatViewRulesCatchMissingViewsAndUnknownProperties()
    {
        const string record = "SessionAnalytics.Tests.ModuleContract.Probes.ContractProbeRecord";
        var file = Path.Combine(Path.GetTempPath(), $"sa-probe-{Guid.NewGuid():N}.format.ps1xml");
        File.WriteAllText(file, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <Configuration><ViewDefinitions>
              <View><Name>Probe.Table</Name><ViewSelectedBy><TypeName>{record}</TypeName></ViewSelectedBy>
                <TableControl><TableHeaders><TableColumnHeader/><TableColumnHeader/></TableHeaders>
                  <TableRowEntries><TableRowEntry><TableColumnItems>
                    <TableColumnItem><PropertyName>Name</PropertyName></TableColumnItem>
                    <TableColumnItem><PropertyName>Lenght</PropertyName></TableColumnItem>
                  </TableColumnItems></TableRowEntry></TableRowEntries></TableControl></View>
              <View><Name>Gone.List</Name><ViewSelectedBy><TypeName>SessionAnalytics.Gone</TypeName></ViewSelectedBy>
                <ListControl><ListEntries><ListEntry><ListItems><ListItem><PropertyName>X</PropertyName></ListItem></ListItems></ListEntry></ListEntries></ListControl></View>
            </ViewDefinitions></Configuration>
            """);
        try
        {
            // The engine accepts this file: these mistakes are only caught by the rules.
            _ = new System.Management.Automation.Runspaces.FormatTable([file]);
            var views = FormatViewTests.View.All(file);
            var typeProblems = FormatViewTests.TypeViewProblems(record, views).ToList();
            Assert.Contains(typeProblems, p => p.Contains("has no list view"));
            Assert.Contains(typeProblems, p => p.Contains("has 2 columns"));
            var known = new Dictionary<string, Type> { [record] = typeof(ContractProbeRecord) };
            Assert.Contains(FormatViewTests.ViewProblems(views[0], known), p => p.Contains("lacks: Lenght"));
            Assert.Contains(FormatViewTests.ViewProblems(views[1], known), p => p.Contains("SessionAnalytics.Gone, which is no type of the module"));
        }
        finally { File.Delete(file); }
    }
}
