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

    /// <summary>
    /// Get-Help -Online opens the first related link of the MAML help; the cmdlet's HelpUri is the same page, for
    /// hosts without the help file. Both must be the cmdlet's page in docs/ on the project's site (ProjectUri).
    /// </summary>
    [Theory, MemberData(nameof(Commands))]
    public void LinksToItsOnlinePage(string name)
    {
        var project = module.Host.Run("(Test-ModuleManifest -Path $args[0]).ProjectUri", ModuleHost.ModuleManifestPath)
            .AssertNoErrors().Output.Single().ToString()!.TrimEnd('/');
        var page = $"{project}/blob/main/docs/{name}.md";
        var links = module.Host.Run("(Get-Help -Name $args[0] -Full).relatedLinks.navigationLink | ForEach-Object { \"$($_.linkText)|$($_.uri)\" }", name)
            .AssertNoErrors().Output.Cast<string>().ToList();
        Assert.True(links.Count >= 2, $"{name}: RELATED LINKS has {links.Count} link(s); it needs the online version and related commands.");
        Assert.Equal($"Online Version:|{page}", links[0]);
        Assert.Contains(links, l => l.StartsWith("about_SessionAnalytics|", StringComparison.Ordinal));
        Assert.Equal(page, module.Host.Run("(Get-Command -Name $args[0]).HelpUri", name).AssertNoErrors().Output.Single());
        Assert.True(File.Exists(Path.Combine(ModuleHost.RepoRoot, "docs", name + ".md")));
    }

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
