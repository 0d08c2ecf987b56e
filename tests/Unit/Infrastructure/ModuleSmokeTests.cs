using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Module;

public class ModuleSmokeTests
{
    [Fact]
    public void BuiltManifestImportsAndExportsEveryCmdletItDeclares()
    {
        using var host = new ModuleHost();
        var result = host.Run("(Get-Module SessionAnalytics).ExportedCmdlets.Keys").AssertNoErrors();
        var exported = result.Output.Cast<string>().ToList();
        Assert.Contains("Get-ClaudeSession", exported);
    }
}
