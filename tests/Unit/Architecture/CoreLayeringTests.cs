using System.Text.RegularExpressions;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.Architecture;

/// <summary>
/// The Core folders depend in one direction (GUIDE.md, "Style"): a folder may use only the folders listed before it.
/// A helper two folders share moves below both. Read from the source: every <c>using</c> of a Core namespace and every
/// qualified name (<c>SessionAnalytics.Core.Comments.X</c>, or <c>Comments.X</c> written inside the Core namespace).
/// </summary>
public sealed partial class CoreLayeringTests
{
    /// <summary>Bottom first. Folders in one tier do not use each other.</summary>
    public static readonly string[][] Tiers =
    [
        ["Diagnostics", "Redaction", "Tabular", "Git"],
        ["Transcripts", "Pricing"],
        ["Stats"],
        ["Workflows"],
        ["Comments"],
        ["GitHub"],
        ["Extraction"],
        ["Export"],
    ];

    /// <summary>
    /// Backward uses that exist today and are to be removed, each with its reason. The test fails when one is no longer
    /// needed, so the list cannot outlive its entries.
    /// </summary>
    public static readonly (string From, string To, string Why)[] KnownExceptions =
    [
        ("Extraction", "Export", "the extractor builds Export's SessionAnalyticsRecord/PullRequestInfo; they move below both once the Extraction work in flight has landed"),
    ];

    private static string CoreDirectory => Path.Combine(ModuleHost.RepoRoot, "src", "SessionAnalytics.Core");

    private static int Rank(string folder) => Array.FindIndex(Tiers, t => t.Contains(folder));

    [Fact]
    public void Every_Core_folder_has_a_place_in_the_order()
    {
        var folders = Directory.GetDirectories(CoreDirectory).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        Assert.DoesNotContain(folders, f => Rank(f!) < 0);
        Assert.Empty(Directory.GetFiles(CoreDirectory, "*.cs")); // no loose files at the root: every file sits in its folder
    }

    [Fact]
    public void No_Core_folder_uses_a_folder_above_it()
    {
        var uses = Uses();
        var backward = uses.Where(u => Rank(u.To) >= Rank(u.From))
            .Where(u => !KnownExceptions.Any(e => e.From == u.From && e.To == u.To))
            .Select(u => $"{u.File} ({u.From}) uses {u.To}")
            .Distinct()
            .ToList();
        Assert.True(backward.Count == 0, "Backward dependencies:\n" + string.Join("\n", backward));

        foreach (var (from, to, why) in KnownExceptions)
            Assert.True(uses.Any(u => u.From == from && u.To == to), $"{from} no longer uses {to} ({why}): remove the exception.");
    }

    [Fact]
    public void The_scan_sees_the_forms_a_backward_use_takes()
    {
        // Stats written to use Comments in each way the scan must see; the old SecretRedactor call was the third form.
        string[] forms =
        [
            "using SessionAnalytics.Core.Comments;",
            "using static SessionAnalytics.Core.Comments.MarkdownEscaping;",
            "namespace SessionAnalytics.Core.Stats;\nclass X { string Y => Comments.SecretRedactor.Redact(\"a\"); }",
            "namespace SessionAnalytics.Core.Stats;\nclass X { object Y => new SessionAnalytics.Core.Comments.CommentDocument(); }",
        ];
        foreach (var source in forms) Assert.Contains("Comments", ReferencedFolders(source));
        // Comments, strings and member accesses are not uses.
        Assert.Equal(["Stats"], ReferencedFolders("namespace SessionAnalytics.Core.Stats;\n// see Comments.SessionCommentRenderer\nclass X { string A = \"Comments.X\"; object B(dynamic x) => x.Comments.Count; }"));
    }

    private sealed record Use(string File, string From, string To);

    private static List<Use> Uses()
    {
        var uses = new List<Use>();
        foreach (var file in Directory.EnumerateFiles(CoreDirectory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(CoreDirectory, file);
            var folder = relative.Split(Path.DirectorySeparatorChar)[0];
            if (folder is "bin" or "obj") continue;
            foreach (var to in ReferencedFolders(File.ReadAllText(file)))
                if (to != folder) uses.Add(new Use(relative, folder, to));
        }
        return uses;
    }

    /// <summary>The Core folders a source file refers to.</summary>
    private static HashSet<string> ReferencedFolders(string source)
    {
        var code = Strip(source);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in QualifiedName().Matches(code)) found.Add(m.Groups["folder"].Value);
        // Inside namespace SessionAnalytics.Core.X, a sibling namespace can be named without the prefix.
        var folders = Tiers.SelectMany(t => t).ToHashSet(StringComparer.Ordinal);
        foreach (Match m in PartialName().Matches(code))
            if (folders.Contains(m.Groups["folder"].Value)) found.Add(m.Groups["folder"].Value);
        return found;
    }

    /// <summary>The code without comments, string and character literals.</summary>
    private static string Strip(string source) => Literal().Replace(source, m => m.Value.StartsWith('/') ? "" : "\"\"");

    [GeneratedRegex(@"SessionAnalytics\.Core\.(?<folder>[A-Za-z]+)")]
    private static partial Regex QualifiedName();

    // A namespace name at the start of a qualified name: not after '.', a letter or a digit; followed by '.' and a type.
    [GeneratedRegex(@"(?<![\w.])(?<folder>[A-Z][A-Za-z]+)\.[A-Z]\w*")]
    private static partial Regex PartialName();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""""""[\s\S]*?""""""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex Literal();
}
