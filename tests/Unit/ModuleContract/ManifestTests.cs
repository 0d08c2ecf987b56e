using System.Management.Automation;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>The built manifest is valid and exports exactly the cmdlets the module implements.</summary>
public sealed class ManifestTests(ModuleHostFixture module) : IClassFixture<ModuleHostFixture>
{
    public static TheoryData<string> Promised()
    {
        var data = new TheoryData<string>();
        foreach (var name in ModuleCommands.CmdletsToExport()) data.Add(name);
        return data;
    }

    [Fact]
    public void BuiltManifestPassesTestModuleManifest()
    {
        var result = module.Host.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Continue", ModuleHost.ModuleManifestPath);
        Assert.True(result.Terminating is null && result.Errors.Count == 0,
            "Test-ModuleManifest fails on out/SessionAnalytics/SessionAnalytics.psd1:\n" +
            string.Join("\n", result.Errors.Select(e => e.ToString()).Append(result.Terminating?.Message ?? "")));
        var manifest = Assert.IsType<PSModuleInfo>(Assert.Single(result.Output));
        Assert.NotEqual(new Version(0, 0, 0), manifest.Version);
    }

    [Theory]
    [MemberData(nameof(Promised))]
    public void PromisedCmdletIsExported(string name)
    {
        var exported = module.Host.Run("(Get-Module SessionAnalytics).ExportedCmdlets.Keys").AssertNoErrors().Output.Cast<string>();
        Assert.True(exported.Contains(name, StringComparer.OrdinalIgnoreCase),
            $"{name} is in CmdletsToExport but the built module does not export it (not written yet, or its class lacks [Cmdlet]).");
    }

    [Fact]
    public void EveryImplementedCmdletIsListedInCmdletsToExport()
    {
        // A cmdlet class that the manifest does not list is silently hidden by the explicit CmdletsToExport.
        var implemented = module.Host.Run("""
            (Get-Module SessionAnalytics).ImplementingAssembly.GetExportedTypes() |
                Where-Object { $_.IsSubclassOf([System.Management.Automation.Cmdlet]) -and -not $_.IsAbstract } |
                ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false); if ($a) { "$($a[0].VerbName)-$($a[0].NounName)" } }
            """).AssertNoErrors().Output.Cast<string>().ToList();
        var promised = ModuleCommands.CmdletsToExport().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var hidden = implemented.Where(c => !promised.Contains(c)).ToList();
        Assert.True(hidden.Count == 0, $"Cmdlets implemented but missing from CmdletsToExport in SessionAnalytics.psd1: {string.Join(", ", hidden)}.");
    }

    /// <summary>
    /// Find-PSResource -Command finds a module by its PSCommand_ tags, which PSResourceGet copies from the manifest's
    /// Tags into the package; the list must follow CmdletsToExport exactly.
    /// </summary>
    [Fact]
    public void TagsNameEveryExportedCmdletForFindPSResourceCommand()
    {
        var tags = module.Host.Run("(Test-ModuleManifest -Path $args[0]).Tags", ModuleHost.ModuleManifestPath)
            .AssertNoErrors().Output.Cast<string>().ToList();
        var cmdlets = ModuleCommands.CmdletsToExport();
        Assert.Equal(cmdlets.Select(c => "PSCommand_" + c).Order(), tags.Where(t => t.StartsWith("PSCommand_", StringComparison.Ordinal)).Order());
        Assert.Equal(cmdlets.Select(c => "PSCmdlet_" + c).Order(), tags.Where(t => t.StartsWith("PSCmdlet_", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void ManifestPointsToHelpAndAChangelogThatShipsWithTheModule()
    {
        var manifest = Assert.IsType<PSModuleInfo>(module.Host.Run("Test-ModuleManifest -Path $args[0]", ModuleHost.ModuleManifestPath).AssertNoErrors().Output.Single());
        Assert.StartsWith("https://", manifest.HelpInfoUri);
        Assert.Contains("CHANGELOG.md", manifest.ReleaseNotes);
        var changelog = Path.Combine(Path.GetDirectoryName(ModuleHost.ModuleManifestPath)!, "CHANGELOG.md");
        Assert.True(File.Exists(changelog), "the built module lacks CHANGELOG.md");
        Assert.Contains("## [Unreleased]", File.ReadAllText(changelog));
    }

    [Fact]
    public void ManifestExportsNothingButCmdlets()
    {
        var root = ModuleCommands.SourceManifestPath;
        foreach (var key in new[] { "FunctionsToExport", "AliasesToExport", "VariablesToExport" })
            Assert.Empty(ModuleCommands.ManifestStringList(root, key));
        // Wildcards in CmdletsToExport would make auto-loading scan the assembly and hide what the module offers.
        Assert.DoesNotContain(ModuleCommands.CmdletsToExport(), c => c.Contains('*'));
    }
}
