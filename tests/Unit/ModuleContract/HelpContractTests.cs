using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// The help every cmdlet ships, read through Get-Help -Full in the hosted engine (so the MAML the build wrote from
/// docs/ is what is tested) and compared with the real cmdlet: one row per cmdlet.
/// </summary>
public sealed class HelpContractTests(ModuleHostFixture module) : IClassFixture<ModuleHostFixture>
{
    public static TheoryData<string> Commands() => ModuleCommands.Names();

    private void Check(string name, Func<System.Management.Automation.CmdletInfo, CommandHelp, IEnumerable<string>> rule)
    {
        var cmdlet = module.Cmdlet(name);
        var help = CommandHelp.Get(module.Host, name);
        CmdletContract.AssertNone(name, CmdletContract.HelpPresent(cmdlet, help));
        CmdletContract.AssertNone(name, rule(cmdlet, help));
    }

    [Theory, MemberData(nameof(Commands))]
    public void HasSynopsisAndDescription(string name) => Check(name, (_, _) => []);

    [Theory, MemberData(nameof(Commands))]
    public void DocumentsEveryParameterAndNoOther(string name) => Check(name, CmdletContract.ParametersDocumented);

    [Theory, MemberData(nameof(Commands))]
    public void ParameterFactsInHelpMatchTheCmdlet(string name) => Check(name, CmdletContract.ParameterFacts);

    [Theory, MemberData(nameof(Commands))]
    public void SyntaxShowsEachParameterSet(string name) => Check(name, CmdletContract.Syntax);

    [Theory, MemberData(nameof(Commands))]
    public void HasAtLeastTwoExplainedExamplesThatUseIt(string name) => Check(name, CmdletContract.Examples);

    [Theory, MemberData(nameof(Commands))]
    public void ExamplesParse(string name) => Check(name, (_, help) => CmdletContract.ExamplesParse(help));

    [Theory, MemberData(nameof(Commands))]
    public void OutputsNameTheDeclaredOutputTypes(string name) => Check(name, CmdletContract.OutputsDocumented);

    [Fact]
    public void EveryCommandDocNamesACmdletOfTheModule()
    {
        var promised = ModuleCommands.CmdletsToExport().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var docs = Directory.GetFiles(Path.Combine(ModuleHost.RepoRoot, "docs"), "*-*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        var stray = docs.Where(d => !promised.Contains(d!)).ToList();
        Assert.True(stray.Count == 0, $"docs/ has help for commands the manifest does not export: {string.Join(", ", stray)}.");
    }

    [Fact]
    public void AboutTopicIsInstalledAndWrapped()
    {
        var path = Path.Combine(Path.GetDirectoryName(ModuleHost.ModuleManifestPath)!, "en-US", "about_SessionAnalytics.help.txt");
        Assert.True(File.Exists(path), $"{path} is missing: the build writes it from docs/about_SessionAnalytics.md.");
        var lines = File.ReadAllLines(path);
        Assert.Equal("TOPIC", lines[0]);
        Assert.Equal("    about_SessionAnalytics", lines[1]);
        Assert.Contains("SHORT DESCRIPTION", lines);
        Assert.Contains("LONG DESCRIPTION", lines);
        var wide = lines.Select((l, i) => (l, i)).Where(x => x.l.Length > 80).Select(x => $"line {x.i + 1}: {x.l.Length} columns").ToList();
        Assert.True(wide.Count == 0, "about_SessionAnalytics.help.txt is wider than 80 columns: " + string.Join("; ", wide));

        // Get-Help finds it through the imported module, as a user's session would.
        var text = string.Join("\n", module.Host.Run("Get-Help about_SessionAnalytics | ForEach-Object { \"$_\" }").AssertNoErrors().Output.Cast<string>());
        Assert.Contains("LONG DESCRIPTION", text);
        Assert.Contains("about_SessionAnalytics", text);
    }
}
