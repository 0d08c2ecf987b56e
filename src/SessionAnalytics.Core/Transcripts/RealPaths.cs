namespace SessionAnalytics.Core.Transcripts;

/// <summary>
/// Resolves paths to their real location (every symbolic link along them followed), so that a directory or a file
/// reached by two names is recognised as one: a symlinked project directory, or a link inside a session folder that
/// points back up the tree, must not make discovery list a transcript twice or walk in circles. Resolved directory
/// prefixes are cached (one lstat per path component the first time, none after).
/// </summary>
public sealed class RealPaths
{
    private const int MaxLinkHops = 40; // Linux's own limit (ELOOP)
    private readonly Dictionary<string, string?> _resolved = new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>The real path, or null when the links loop or go deeper than the system would follow.</summary>
    public string? Resolve(string path)
    {
        var hops = 0;
        return Resolve(Path.GetFullPath(path), ref hops);
    }

    private string? Resolve(string full, ref int hops)
    {
        full = Path.TrimEndingDirectorySeparator(full);
        if (_resolved.TryGetValue(full, out var known)) return known;
        var parent = Path.GetDirectoryName(full);
        if (parent is null) return full; // the root
        var realParent = Resolve(parent, ref hops);
        if (realParent is null) return null;
        var candidate = Path.Combine(realParent, Path.GetFileName(full));
        string? target;
        try { target = new FileInfo(candidate).LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { target = null; }
        string? real;
        if (target is null) real = candidate;
        else if (++hops > MaxLinkHops) return null;
        else real = Resolve(Path.GetFullPath(Path.Combine(realParent, target)), ref hops);
        _resolved[full] = real;
        return real;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies below it (both real paths).</summary>
    public static bool IsWithin(string path, string directory) =>
        path.Length >= directory.Length
        && path.StartsWith(directory, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
        && (path.Length == directory.Length || path[directory.Length] == Path.DirectorySeparatorChar || directory.EndsWith(Path.DirectorySeparatorChar));
}
