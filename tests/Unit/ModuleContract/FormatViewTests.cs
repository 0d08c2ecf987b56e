using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Xml.Linq;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// The built SessionAnalytics.format.ps1xml: it loads in the engine, every output type the cmdlets declare has a
/// table view (4–6 columns) and a list view, and every property a view names exists on its type.
/// </summary>
public sealed class FormatViewTests(ModuleHostFixture module) : IClassFixture<ModuleHostFixture>
{
    public const string NoOutputTypes = "(no output types)";

    public static string FormatFilePath => Path.Combine(Path.GetDirectoryName(ModuleHost.ModuleManifestPath)!, "SessionAnalytics.format.ps1xml");

    /// <summary>The module's own output types ([OutputType] of every exported cmdlet), by full name.</summary>
    public static TheoryData<string> OutputTypes()
    {
        var data = new TheoryData<string>();
        var names = new List<string>();
        if (File.Exists(ModuleHost.ModuleManifestPath))
        {
            using var host = new ModuleHost();
            names = OwnOutputTypes(host).Select(t => t.FullName!).ToList();
        }
        foreach (var name in names) data.Add(name);
        if (names.Count == 0) data.Add(NoOutputTypes);
        return data;
    }

    public static TheoryData<string, string> Views()
    {
        // A type's table and list views share its name, so a case is the name and the kind: each view is checked once.
        var data = new TheoryData<string, string>();
        foreach (var view in View.All(FormatFilePath)) data.Add(view.Name, view.Kind);
        if (data.Count == 0) data.Add("(no views)", "");
        return data;
    }

    private static List<Type> OwnOutputTypes(ModuleHost host) =>
        host.Run("Get-Command -Module SessionAnalytics | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Type }")
            .Output.OfType<Type>()
            .Where(t => t.FullName?.StartsWith("SessionAnalytics.", StringComparison.Ordinal) == true)
            .DistinctBy(t => t.FullName).OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();

    [Fact]
    public void FormatFileLoadsInTheEngine()
    {
        Assert.True(File.Exists(FormatFilePath), $"{FormatFilePath} is missing from the built module.");
        // FormatTable validates the file the way Update-FormatData does and throws with every error found.
        try { _ = new FormatTable([FormatFilePath]); }
        catch (FormatTableLoadException e) { Assert.Fail("The format file does not load:\n" + string.Join("\n", e.Errors)); }
        var registered = module.Host.Run("(Get-Module SessionAnalytics).ExportedFormatFiles").AssertNoErrors().Output.Cast<string>();
        Assert.Contains(registered, f => Path.GetFileName(f) == "SessionAnalytics.format.ps1xml");
    }

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void OutputTypeHasTableAndListView(string typeName)
    {
        Assert.True(typeName != NoOutputTypes, "No cmdlet of the module declares an output type of its own yet.");
        CmdletContract.AssertNone(typeName, TypeViewProblems(typeName, View.All(FormatFilePath)));
    }

    [Theory]
    [MemberData(nameof(Views))]
    public void ViewNamesOnlyRealProperties(string viewName, string kind)
    {
        var view = View.All(FormatFilePath).FirstOrDefault(v => v.Name == viewName && v.Kind == kind);
        Assert.True(view is not null, "SessionAnalytics.format.ps1xml has no views yet.");
        CmdletContract.AssertNone($"{viewName} ({kind})", ViewProblems(view!, KnownTypes()));
    }

    /// <summary>A table view of 4–6 columns and a list view for <paramref name="typeName"/>.</summary>
    public static IEnumerable<string> TypeViewProblems(string typeName, IReadOnlyList<View> allViews)
    {
        var views = allViews.Where(v => v.TypeNames.Contains(typeName)).ToList();
        var tables = views.Where(v => v.Kind == "TableControl").ToList();
        if (tables.Count == 0) yield return $"{typeName} has no table view.";
        if (!views.Any(v => v.Kind == "ListControl")) yield return $"{typeName} has no list view.";
        foreach (var table in tables.Where(t => t.Columns.Count is < 4 or > 6))
            yield return $"table view '{table.Name}' of {typeName} has {table.Columns.Count} columns; 4 to 6 useful ones fit a console.";
    }

    /// <summary>The view selects a type of the module and names only properties that type has.</summary>
    public static IEnumerable<string> ViewProblems(View view, IReadOnlyDictionary<string, Type> knownTypes)
    {
        foreach (var typeName in view.TypeNames)
        {
            if (!knownTypes.TryGetValue(typeName, out var type))
            {
                yield return $"view '{view.Name}' is for {typeName}, which is no type of the module (renamed or removed?).";
                continue;
            }
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var missing = view.PropertyNames.Where(p => !properties.Contains(p)).ToList();
            if (missing.Count > 0)
                yield return $"view '{view.Name}' names properties {typeName} lacks: {string.Join(", ", missing)} (case-sensitive, to match the type exactly).";
        }
        if (view.Kind == "TableControl" && view.Headers != 0 && view.Headers != view.Columns.Count)
            yield return $"table view '{view.Name}' has {view.Headers} headers for {view.Columns.Count} columns.";
    }

    [Fact]
    public void ModuleAddsNoScriptProperties()
    {
        // ScriptProperties from a types.ps1xml would show up as extra columns in Export-Csv.
        var moduleDir = Path.GetDirectoryName(ModuleHost.ModuleManifestPath)!;
        var offenders = Directory.GetFiles(moduleDir, "*.ps1xml", SearchOption.AllDirectories)
            .Where(f => XDocument.Load(f).Descendants().Any(e => e.Name.LocalName is "ScriptProperty" or "ScriptMethod"))
            .Select(Path.GetFileName).ToList();
        Assert.True(offenders.Count == 0, "Script members defined in: " + string.Join(", ", offenders));
    }

    [Fact]
    public void ViewNamesAreUniquePerKind()
    {
        // Format-Table -View X and Format-List -View X pick by name among views of their own kind.
        var duplicates = View.All(FormatFilePath).GroupBy(v => (v.Name, v.Kind)).Where(g => g.Count() > 1).Select(g => $"{g.Key.Name} ({g.Key.Kind})").ToList();
        Assert.True(duplicates.Count == 0, "Views of the same kind share a name: " + string.Join(", ", duplicates));
    }

    /// <summary>Every public type of the module's assemblies (cmdlets and engine), by full name.</summary>
    private Dictionary<string, Type> KnownTypes()
    {
        var assemblies = new HashSet<Assembly>();
        foreach (var type in OwnOutputTypes(module.Host)) assemblies.Add(type.Assembly);
        var implementing = module.Host.Run("(Get-Module SessionAnalytics).ImplementingAssembly").Output.OfType<Assembly>().FirstOrDefault();
        if (implementing is not null) assemblies.Add(implementing);
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
            foreach (var type in assembly.GetExportedTypes())
                types.TryAdd(type.FullName!, type);
        return types;
    }

    /// <summary>One &lt;View&gt; of the built format file.</summary>
    public sealed record View(string Name, string Kind, IReadOnlyList<string> TypeNames, IReadOnlyList<string> Columns, int Headers, IReadOnlyList<string> PropertyNames)
    {
        public static IReadOnlyList<View> All(string formatFile)
        {
            if (!File.Exists(formatFile)) return [];
            var document = XDocument.Load(formatFile);
            return document.Descendants("View").Select(v =>
            {
                var control = v.Elements().FirstOrDefault(e => e.Name.LocalName.EndsWith("Control", StringComparison.Ordinal));
                var columns = control?.Name.LocalName switch
                {
                    "TableControl" => control.Descendants("TableColumnItem").Select(c => (string?)c.Element("PropertyName") ?? "{script}").ToList(),
                    "ListControl" => control.Descendants("ListItem").Select(c => (string?)c.Element("PropertyName") ?? "{script}").ToList(),
                    _ => [],
                };
                var properties = v.Descendants("PropertyName").Select(p => p.Value.Trim()).Distinct().ToList();
                return new View(
                    (string?)v.Element("Name") ?? "",
                    control?.Name.LocalName ?? "",
                    v.Element("ViewSelectedBy")?.Elements("TypeName").Select(t => t.Value.Trim()).ToList() ?? [],
                    columns,
                    control?.Descendants("TableColumnHeader").Count() ?? 0,
                    properties);
            }).ToList();
        }
    }
}
