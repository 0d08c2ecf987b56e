using System.Diagnostics.CodeAnalysis;

namespace SessionAnalytics.Core.Git;

/// <summary>A repository a remote URL names: its host and the last two segments of its path.</summary>
public sealed record RemoteRepository(string Host, string Owner, string Name)
{
    public string FullName => Owner + "/" + Name;
    public override string ToString() => FullName;

    /// <summary>Owner and repository names as GitHub allows them: letters, digits, '-', '_', '.'; not "." or "..".</summary>
    public static bool IsValidSegment(string s) =>
        s.Length > 0 && s != "." && s != ".." && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>
/// Reads a working tree's remote URL from its git configuration without running git, and turns remote URLs into
/// owner/name. Handles linked worktrees and submodules, whose <c>.git</c> is a file ("gitdir: ...") pointing at the
/// real git directory; a worktree's git directory names the shared one in its <c>commondir</c> file, which holds the
/// config. Used by the measurement (a session's <c>project</c>) and by the GitHub side (which repository to post to),
/// so it sits below both.
/// </summary>
public static class GitRemote
{
    /// <summary>
    /// "owner/name" of the <c>origin</c> remote of the repository containing <paramref name="directory"/> (searching up
    /// to the repository root), or null when the directory is in no repository, it has no origin, or the origin's URL
    /// names no owner/name. Never throws for what is on disk.
    /// </summary>
    public static RemoteRepository? RepositoryOf(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory)) return null;
        try
        {
            return Directory.Exists(directory) && FindRemoteUrl(directory) is { } url && TryParseUrl(url, out var repository, out _) ? repository : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>The URL of <paramref name="remote"/> for the repository containing <paramref name="directory"/>, or null.</summary>
    public static string? FindRemoteUrl(string directory, string remote = "origin")
    {
        var config = FindConfigFile(directory);
        return config is null ? null : ReadRemoteUrl(File.ReadAllLines(config), remote);
    }

    /// <summary>The config file of the repository containing <paramref name="directory"/> (searching upwards), or null.</summary>
    public static string? FindConfigFile(string directory)
    {
        DirectoryInfo? dir;
        try { dir = new DirectoryInfo(Path.GetFullPath(directory)); }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException) { return null; }
        for (; dir is not null; dir = dir.Parent)
        {
            var dotGit = Path.Combine(dir.FullName, ".git");
            string? gitDir = null;
            if (Directory.Exists(dotGit)) gitDir = dotGit;
            else if (File.Exists(dotGit)) gitDir = ReadGitDirFile(dotGit, dir.FullName);
            if (gitDir is null) continue;

            var commonDirFile = Path.Combine(gitDir, "commondir");
            var configDir = File.Exists(commonDirFile)
                ? Path.GetFullPath(Path.Combine(gitDir, File.ReadAllText(commonDirFile).Trim()))
                : gitDir;
            var config = Path.Combine(configDir, "config");
            return File.Exists(config) ? config : null;
        }
        return null;
    }

    /// <summary>"gitdir: &lt;path&gt;", the path relative to the directory holding the .git file.</summary>
    private static string? ReadGitDirFile(string dotGitFile, string workTree)
    {
        foreach (var line in File.ReadLines(dotGitFile))
        {
            if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) continue;
            var path = line["gitdir:".Length..].Trim();
            var full = Path.GetFullPath(Path.Combine(workTree, path));
            return Directory.Exists(full) ? full : null;
        }
        return null;
    }

    /// <summary>Every remote of the git config text that has a URL, in order of first appearance (for completion).</summary>
    public static IReadOnlyList<(string Remote, string Url)> ReadRemotes(IEnumerable<string> configLines)
    {
        var lines = configLines.ToList();
        var names = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] != '[') continue;
            var end = line.LastIndexOf(']');
            var inner = end > 0 ? line[1..end].Trim() : "";
            var space = inner.IndexOf(' ');
            if (space < 0 || !inner[..space].Equals("remote", StringComparison.OrdinalIgnoreCase)) continue;
            var sub = inner[(space + 1)..].Trim();
            if (sub.Length >= 2 && sub[0] == '"' && sub[^1] == '"' && !names.Contains(sub[1..^1])) names.Add(sub[1..^1]);
        }
        return names.Select(n => (Remote: n, Url: ReadRemoteUrl(lines, n))).Where(r => r.Url is not null).Select(r => (r.Remote, r.Url!)).ToList();
    }

    /// <summary>The <c>url</c> of <c>[remote "name"]</c> in git config text (the last one wins, as in git).</summary>
    public static string? ReadRemoteUrl(IEnumerable<string> configLines, string remote = "origin")
    {
        bool inSection = false;
        string? url = null;
        foreach (var raw in configLines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                inSection = IsRemoteSection(line, remote);
                continue;
            }
            if (!inSection) continue;
            var eq = line.IndexOf('=');
            if (eq < 0) continue;
            if (!line[..eq].Trim().Equals("url", StringComparison.OrdinalIgnoreCase)) continue;
            url = Unquote(StripComment(line[(eq + 1)..].Trim()));
        }
        return url;
    }

    /// <summary>[remote "origin"]: the section name is case-insensitive, the subsection (remote name) is not.</summary>
    private static bool IsRemoteSection(string line, string remote)
    {
        var end = line.LastIndexOf(']');
        if (end < 0) return false;
        var inner = line[1..end].Trim();
        var space = inner.IndexOf(' ');
        if (space < 0) return false;
        if (!inner[..space].Equals("remote", StringComparison.OrdinalIgnoreCase)) return false;
        var sub = inner[(space + 1)..].Trim();
        return sub.Length >= 2 && sub[0] == '"' && sub[^1] == '"' && sub[1..^1] == remote;
    }

    private static string StripComment(string value)
    {
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '"') quoted = !quoted;
            else if (!quoted && value[i] is '#' or ';') return value[..i].TrimEnd();
        }
        return value;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    /// <summary>
    /// owner/name from a remote URL: https://host/owner/name(.git), ssh://[user@]host[:port]/owner/name(.git),
    /// git://host/owner/name, and scp-like [user@]host:owner/name(.git). The last two path segments are taken, so
    /// GitHub Enterprise hosts work too; <paramref name="host"/> says which host it was.
    /// </summary>
    public static bool TryParseUrl(string url, [NotNullWhen(true)] out RemoteRepository? repository, [NotNullWhen(true)] out string? host)
    {
        repository = null;
        host = null;
        url = url.Trim();
        string path;
        if (url.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "ssh" or "git" or "git+ssh" or "ssh+git")) return false;
            if (string.IsNullOrEmpty(uri.Host)) return false;
            host = uri.Host;
            path = Uri.UnescapeDataString(uri.AbsolutePath);
        }
        else
        {
            // scp-like: [user@]host:path, where the part before ':' has no '/' (otherwise it is a local path).
            var colon = url.IndexOf(':');
            if (colon <= 0 || url[..colon].Contains('/') || url[..colon].Contains('\\')) return false;
            if (colon == 1 && char.IsAsciiLetter(url[0])) return false; // C:/repos/widget is a Windows path
            var userHost = url[..colon];
            host = userHost.Contains('@') ? userHost[(userHost.LastIndexOf('@') + 1)..] : userHost;
            if (host.Length == 0) return false;
            path = url[(colon + 1)..];
        }

        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2) { host = null; return false; }
        var owner = segments[^2];
        var name = segments[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[^1][..^4] : segments[^1];
        if (!RemoteRepository.IsValidSegment(owner) || !RemoteRepository.IsValidSegment(name)) { host = null; return false; }
        repository = new RemoteRepository(host, owner, name);
        return true;
    }
}
