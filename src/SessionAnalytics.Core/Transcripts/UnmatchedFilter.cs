namespace SessionAnalytics.Core.Transcripts;

/// <summary>A -Id, -Branch or -Project value that no session under the searched roots has, and the nearest that exist.</summary>
public sealed record UnmatchedFilter(string Parameter, string Value, IReadOnlyList<string> Nearest)
{
    public const string ErrorId = "SessionNotFound";

    public string Message => $"No Claude Code session has {Parameter} '{Value}'." +
        (Nearest.Count == 0 ? "" : $" Nearest: {string.Join(", ", Nearest.Select(n => $"'{n}'"))}.");

    /// <summary>
    /// The values (taken literally: the caller leaves out wildcard patterns, which may match nothing) that match no
    /// session at all, each with up to three nearest existing values. A value that matches some session is not
    /// reported even when other filters leave that session out: then the filters, not a typo, gave nothing.
    /// </summary>
    public static IReadOnlyList<UnmatchedFilter> Find(IReadOnlyCollection<ClaudeSession> sessions,
        IEnumerable<string> ids, IEnumerable<string> branches, IEnumerable<string> projects)
    {
        var misses = new List<UnmatchedFilter>();
        foreach (var id in ids.Where(i => !sessions.Any(s => s.Id.StartsWith(i, StringComparison.OrdinalIgnoreCase))))
            misses.Add(new("Id", id, Closest(id, sessions.Select(s => s.Id), prefixLength: id.Length)));
        var allBranches = sessions.SelectMany(s => s.Branches).Distinct(StringComparer.Ordinal).ToList();
        foreach (var branch in branches.Where(b => !allBranches.Contains(b, StringComparer.OrdinalIgnoreCase)))
            misses.Add(new("Branch", branch, Closest(branch, allBranches)));
        var allProjects = projects.Any()
            ? sessions.SelectMany(s => new[] { s.Project, s.Cwd, s.ProjectDirectory, s.Repository }).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [];
        foreach (var project in projects.Where(p => !allProjects.Contains(p, StringComparer.OrdinalIgnoreCase)))
            misses.Add(new("Project", project, Closest(project, sessions.SelectMany(s => new[] { s.Project, s.Repository }).OfType<string>().Distinct(StringComparer.Ordinal))));
        return misses;
    }

    /// <summary>
    /// The three candidates closest to <paramref name="wanted"/> by edit distance (case-insensitive), ties broken
    /// alphabetically; a candidate further than half its length away is no suggestion. Ids compare by their prefix of
    /// the wanted length, as -Id matches prefixes.
    /// </summary>
    internal static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> candidates, int? prefixLength = null) =>
        candidates
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(c => (Candidate: c, Distance: Distance(wanted, prefixLength is int n && c.Length > n ? c[..n] : c)))
            .Where(c => c.Distance <= Math.Max(2, wanted.Length / 2))
            .OrderBy(c => c.Distance).ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Take(3)
            .Select(c => c.Candidate)
            .ToList();

    /// <summary>Levenshtein distance, ignoring case.</summary>
    internal static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
