using System.Management.Automation;
using System.Management.Automation.Language;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// The commands the contract tests run over: every cmdlet the source manifest promises (CmdletsToExport) together
/// with every command the built module really exports. A promised cmdlet that nobody has written yet still gets
/// its own failing row, so the test list shows what is missing per cmdlet.
/// </summary>
public static class ModuleCommands
{
    /// <summary>The row used when there is nothing to test, so the theory fails with a reason instead of "no data".</summary>
    public const string NoCommands = "(no commands)";

    public static string SourceManifestPath => Path.Combine(ModuleHost.RepoRoot, "SessionAnalytics.psd1");

    /// <summary>CmdletsToExport of the source manifest, read with the PowerShell parser (no evaluation).</summary>
    public static IReadOnlyList<string> CmdletsToExport() => ManifestStringList(SourceManifestPath, "CmdletsToExport");

    public static IReadOnlyList<string> ManifestStringList(string manifestPath, string key)
    {
        var ast = Parser.ParseFile(manifestPath, out _, out var errors);
        if (errors.Length > 0) throw new InvalidOperationException($"{manifestPath} does not parse: {errors[0].Message}");
        var table = ast.Find(a => a is HashtableAst, false) as HashtableAst
            ?? throw new InvalidOperationException($"{manifestPath} holds no hashtable.");
        var entry = table.KeyValuePairs.FirstOrDefault(kv => kv.Item1 is StringConstantExpressionAst k && k.Value.Equals(key, StringComparison.OrdinalIgnoreCase));
        if (entry is null) return [];
        return entry.Item2.FindAll(a => a is StringConstantExpressionAst, true).Cast<StringConstantExpressionAst>().Select(s => s.Value).ToList();
    }

    /// <summary>What Get-Command -Module SessionAnalytics lists in the hosted engine; empty when the module is not built.</summary>
    public static IReadOnlyList<string> Exported()
    {
        if (!File.Exists(ModuleHost.ModuleManifestPath)) return [];
        using var host = new ModuleHost();
        return host.Run("Get-Command -Module SessionAnalytics | ForEach-Object Name").AssertNoErrors().Output.Cast<string>().ToList();
    }

    private static readonly Lazy<IReadOnlyList<string>> All = new(() =>
        CmdletsToExport().Concat(Exported()).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList());

    /// <summary>xunit theory data: one row per command.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Value) data.Add(name);
        if (All.Value.Count == 0) data.Add(NoCommands);
        return data;
    }
}

/// <summary>One hosted engine with the built module per test class; the commands are looked up in it.</summary>
public sealed class ModuleHostFixture : IDisposable
{
    private readonly Lazy<ModuleHost> _host = new(() => new ModuleHost());
    public ModuleHost Host => _host.Value;

    /// <summary>The exported cmdlet, or a test failure saying it is promised but missing.</summary>
    public CmdletInfo Cmdlet(string name)
    {
        Assert.NotEqual(ModuleCommands.NoCommands, name);
        var found = Host.Run("Get-Command -Module SessionAnalytics -Name $args[0] -ErrorAction SilentlyContinue", name).Output;
        var command = found.OfType<CommandInfo>().FirstOrDefault();
        if (command is null)
            Assert.Fail($"{name} is listed in CmdletsToExport of SessionAnalytics.psd1 but the built module does not export it (not written yet, or its class lacks [Cmdlet]).");
        return Assert.IsType<CmdletInfo>(command, exactMatch: true);
    }

    public void Dispose()
    {
        if (_host.IsValueCreated) _host.Value.Dispose();
    }
}
