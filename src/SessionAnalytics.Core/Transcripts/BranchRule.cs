namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Which branch a session "ran on" when it saw several: sessions usually start on the default branch and then work
/// in a worktree or feature branch, and that is the branch a pull request is made from. So: the last branch seen
/// that is not a default branch (main, master, trunk, develop) or a detached HEAD; else the last branch seen.
/// </summary>
public static class BranchRule
{
    private static readonly HashSet<string> DefaultBranches = new(StringComparer.OrdinalIgnoreCase) { "main", "master", "trunk", "develop", "HEAD" };

    public static string? Choose(IReadOnlyList<string> branchesInOrder)
    {
        for (var i = branchesInOrder.Count - 1; i >= 0; i--)
            if (!DefaultBranches.Contains(branchesInOrder[i])) return branchesInOrder[i];
        return branchesInOrder.Count > 0 ? branchesInOrder[^1] : null;
    }
}
