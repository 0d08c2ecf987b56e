using System.Collections;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>
/// The sessions the command being completed would look at: the roots of its -Path/-LiteralPath when given, else
/// CLAUDE_CONFIG_DIR or the default config directories, found by the same <see cref="SessionDiscovery"/> the cmdlet
/// uses. Tab is pressed again and again, so the result is kept until a transcript under those roots changes
/// (checked by listing the files, which reads none of them).
/// </summary>
internal static class LocalSessions
{
    private static readonly object Gate = new();
    private static (string Roots, long Fingerprint, IReadOnlyList<ClaudeSession> Sessions)? _cached;

    /// <summary>Sessions for the command line, narrowed by its -Project, -Branch and -Id (except <paramref name="completing"/>).</summary>
    public static IEnumerable<ClaudeSession> For(IDictionary? fakeBoundParameters, string completing)
    {
        var sessions = Find(Roots(fakeBoundParameters));
        var projects = completing == "Project" ? [] : Patterns(CompletionText.Bound(fakeBoundParameters, "Project"));
        var branches = completing == "Branch" ? [] : Patterns(CompletionText.Bound(fakeBoundParameters, "Branch"));
        var ids = completing == "Id" ? [] : CompletionText.Bound(fakeBoundParameters, "Id");
        return sessions.Where(s =>
            (projects.Count == 0 || projects.Any(p => p.IsMatch(s.Cwd ?? "") || p.IsMatch(s.Project ?? "") || p.IsMatch(s.ProjectDirectory)))
            && (branches.Count == 0 || s.Branches.Any(b => branches.Any(p => p.IsMatch(b))))
            && (ids.Count == 0 || ids.Any(i => s.Id.StartsWith(i, StringComparison.OrdinalIgnoreCase))));
    }

    private static List<WildcardPattern> Patterns(IReadOnlyList<string> values) =>
        values.Select(v => new WildcardPattern(v, WildcardOptions.IgnoreCase)).ToList();

    /// <summary>The roots Get-ClaudeSession would search for this command line.</summary>
    private static IReadOnlyList<string> Roots(IDictionary? fakeBoundParameters)
    {
        var literal = CompletionText.Bound(fakeBoundParameters, "LiteralPath");
        if (literal.Count > 0)
            return CompletionText.InSession("$args | ForEach-Object { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($_) }", [.. literal]);
        var paths = CompletionText.Bound(fakeBoundParameters, "Path");
        if (paths.Count > 0)
            return CompletionText.InSession(
                "$args | ForEach-Object { try { $ExecutionContext.SessionState.Path.GetResolvedProviderPathFromPSPath($_, [ref]$null) } catch { } }", [.. paths]);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return SessionDiscovery.DefaultRoots(Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"), home);
    }

    private static IReadOnlyList<ClaudeSession> Find(IReadOnlyList<string> roots)
    {
        var key = string.Join("\n", roots);
        var fingerprint = Fingerprint(roots);
        lock (Gate)
        {
            if (_cached is { } c && c.Roots == key && c.Fingerprint == fingerprint) return c.Sessions;
        }
        // Completion must never print: problems with the roots are the command's to report when it runs.
        var sessions = new SessionDiscovery(NullDiagnostics.Instance).Find(new SessionQuery { Roots = roots }, rootsAreDefaults: true);
        lock (Gate) _cached = (key, fingerprint, sessions);
        return sessions;
    }

    /// <summary>Names, sizes and write times of every transcript under the roots: changes when any session does.</summary>
    private static long Fingerprint(IReadOnlyList<string> roots)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 8 };
        var hash = new HashCode();
        foreach (var root in roots)
        {
            hash.Add(root);
            IEnumerable<FileInfo> files = File.Exists(root) ? [new FileInfo(root)]
                : Directory.Exists(root) ? new DirectoryInfo(root).EnumerateFiles("*.jsonl", options).OrderBy(f => f.FullName, StringComparer.Ordinal)
                : [];
            foreach (var file in files)
            {
                hash.Add(file.FullName);
                hash.Add(file.Length);
                hash.Add(file.LastWriteTimeUtc.Ticks);
            }
        }
        return hash.ToHashCode();
    }
}
