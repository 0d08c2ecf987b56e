using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// A GitHub token and where it came from. The value stays inside the engine: it is handed to the HTTP client and
/// nowhere else; <see cref="ToString"/> names only the source, so logging the object cannot leak it.
/// </summary>
public sealed class GitHubToken
{
    public GitHubToken(string value, string source)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("A token cannot be empty.", nameof(value));
        Value = value.Trim();
        Source = source;
    }

    internal string Value { get; }

    /// <summary>"-Token", "GH_TOKEN", "GITHUB_TOKEN" or "gh auth token".</summary>
    public string Source { get; }

    public override string ToString() => $"GitHub token from {Source}";
}

/// <summary>
/// Finds the token: <c>-Token</c> (a SecureString, turned into a string only here), else <c>GH_TOKEN</c>, else
/// <c>GITHUB_TOKEN</c>, else the output of <c>gh auth token</c> when the GitHub CLI is on PATH.
/// </summary>
public sealed class GitHubTokenResolver
{
    public const string NotFoundErrorId = "GitHubTokenNotFound";
    public const string GhAuthTokenSource = "gh auth token";

    private readonly Func<string, string?> _environment;
    private readonly Func<string?, string?> _ghAuthToken;
    private readonly IDiagnostics _diagnostics;

    /// <param name="environment">Environment lookup (tests pass their own).</param>
    /// <param name="ghAuthToken">Runs <c>gh auth token</c> for a host (null for github.com); null result = no token. Tests pass their own.</param>
    public GitHubTokenResolver(Func<string, string?>? environment = null, Func<string?, string?>? ghAuthToken = null, IDiagnostics? diagnostics = null)
    {
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _diagnostics = diagnostics ?? NullDiagnostics.Instance;
        _ghAuthToken = ghAuthToken ?? (host => RunGhAuthToken(host, _environment, _diagnostics));
    }

    /// <param name="explicitToken">-Token, if given.</param>
    /// <param name="apiUrl">The API the token is for: gh is asked for that host's token (GitHub Enterprise).</param>
    public GitHubToken Resolve(SecureString? explicitToken, Uri? apiUrl = null)
    {
        if (explicitToken is { Length: > 0 }) return new GitHubToken(ToPlainText(explicitToken), "-Token");
        foreach (var name in new[] { "GH_TOKEN", "GITHUB_TOKEN" })
        {
            var value = _environment(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                _diagnostics.Verbose($"Using the GitHub token from {name}.");
                return new GitHubToken(value, name);
            }
        }
        var fromGh = _ghAuthToken(GhHostFor(apiUrl));
        if (!string.IsNullOrWhiteSpace(fromGh))
        {
            _diagnostics.Verbose($"Using the GitHub token from `{GhAuthTokenSource}`.");
            return new GitHubToken(fromGh, GhAuthTokenSource);
        }
        throw new EngineException(new EngineError(NotFoundErrorId, ErrorKind.AuthenticationError,
            "No GitHub token found: tried -Token, the GH_TOKEN and GITHUB_TOKEN environment variables, and `gh auth token` (GitHub CLI).")
        {
            RecommendedAction = "Pass -Token (a SecureString), set GH_TOKEN or GITHUB_TOKEN, or sign in with `gh auth login`.",
        });
    }

    /// <summary>null for github.com (gh's default host), else the Enterprise host of the API URL.</summary>
    internal static string? GhHostFor(Uri? apiUrl) =>
        apiUrl is null || apiUrl.Host is "api.github.com" or "github.com" ? null : apiUrl.Host;

    internal static string ToPlainText(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try { return Marshal.PtrToStringUni(pointer, secure.Length); }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(pointer); }
    }

    /// <summary>Finds gh on PATH and runs <c>gh auth token [--hostname host]</c>; null when gh is absent or has no token.</summary>
    internal static string? RunGhAuthToken(string? host, Func<string, string?> environment, IDiagnostics diagnostics)
    {
        var gh = FindOnPath("gh", environment("PATH"));
        if (gh is null) return null;
        var start = new ProcessStartInfo(gh)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        start.ArgumentList.Add("auth");
        start.ArgumentList.Add("token");
        if (host is not null)
        {
            start.ArgumentList.Add("--hostname");
            start.ArgumentList.Add(host);
        }
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync(); // drained, never shown: it is gh's business
            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                diagnostics.Verbose("`gh auth token` did not answer within 15 seconds; ignored.");
                return null;
            }
            if (process.ExitCode != 0)
            {
                diagnostics.Verbose($"`gh auth token` exited with {process.ExitCode} (not signed in{(host is null ? "" : " to " + host)}?).");
                return null;
            }
            var token = output.GetAwaiter().GetResult().Trim();
            return token.Length == 0 ? null : token;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            diagnostics.Verbose($"Could not run gh ({e.Message}).");
            return null;
        }
    }

    internal static string? FindOnPath(string program, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var names = OperatingSystem.IsWindows() ? new[] { program + ".exe", program + ".cmd" } : [program];
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                string candidate;
                try { candidate = Path.Combine(directory.Trim('"'), name); }
                catch (ArgumentException) { continue; }
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
