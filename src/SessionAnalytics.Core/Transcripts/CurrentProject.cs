namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Which directories <c>-Current</c> may mean. Claude Code records the directory it was started in (the session's
/// cwd and its projects/ folder name), while its Bash tool, a hook or a user may stand in any folder below it. So the
/// current directory and its ancestors are tried, nearest first, up to the repository root (the first folder with a
/// .git entry). Outside a repository the walk stops below the home directory and the file-system root, whose
/// sessions would otherwise claim every folder beneath them.
/// </summary>
public static class CurrentProject
{
    public static IReadOnlyList<string> SearchDirectories(string currentDirectory, string? homeDirectory)
    {
        var start = Path.TrimEndingDirectorySeparator(Path.GetFullPath(currentDirectory));
        var chain = new List<string>();
        for (var dir = start; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            chain.Add(dir);
            if (Directory.Exists(Path.Combine(dir, ".git")) || File.Exists(Path.Combine(dir, ".git"))) return chain;
        }
        // No repository: the current directory itself, then its ancestors below home and the root.
        var home = string.IsNullOrEmpty(homeDirectory) ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(homeDirectory));
        return chain.Where((dir, i) => i == 0 || (Path.GetDirectoryName(dir) is not null && !SamePath(dir, home))).ToList();
    }

    internal static bool SamePath(string? a, string? b) =>
        a is not null && b is not null &&
        string.Equals(a.TrimEnd('/', '\\'), b.TrimEnd('/', '\\'), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
