using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Octokit.Caching;
using Octokit.Internal;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// A persistent cache of GitHub GET responses, one JSON file per URL, revalidated with ETags: Octokit's
/// <see cref="CachingHttpClient"/> sends the stored ETag as <c>If-None-Match</c>, and a 304 Not Modified answer
/// (which GitHub does not count against the rate limit) is served from the file. Every use asks GitHub, so a cache
/// entry never hides a change or lets a token read what it may not: a token without access gets its 404, not the file.
/// <para>
/// What is stored: the URL, the Accept header, the body and the headers Octokit needs to read a page back (ETag,
/// Link, Last-Modified, X-GitHub-Media-Type). Never the request's headers, so never the token. The folder is created
/// readable by the current user only (on Unix), because bodies of private repositories land there.
/// Files are written to a temporary name and moved into place, so parallel runs never read a half-written entry;
/// an unreadable entry counts as a miss.
/// </para>
/// </summary>
public sealed class GitHubResponseCache
{
    private const int FormatVersion = 1;
    private static readonly string[] StoredHeaders = ["ETag", "Link", "Last-Modified", "X-GitHub-Media-Type"];
    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly IDiagnostics _diagnostics;
    private int _writeFailureReported;
    private int _hits;
    private int _stores;

    public GitHubResponseCache(string directory, IDiagnostics? diagnostics = null)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw new ArgumentException("A cache directory is required.", nameof(directory));
        Directory = Path.GetFullPath(directory);
        _diagnostics = diagnostics ?? NullDiagnostics.Instance;
    }

    public string Directory { get; }

    /// <summary>Lookups that found an entry (each became a conditional request).</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Responses written to the cache (new or changed).</summary>
    public int Stores => Volatile.Read(ref _stores);

    /// <summary>
    /// <c>$XDG_CACHE_HOME/SessionAnalytics/github</c> when XDG_CACHE_HOME is an absolute path; on Windows
    /// <c>%LOCALAPPDATA%\SessionAnalytics\github</c>; otherwise <c>~/.cache/SessionAnalytics/github</c>.
    /// </summary>
    public static string DefaultDirectory(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "SessionAnalytics", "github");
        if (OperatingSystem.IsWindows())
        {
            var local = environment("LOCALAPPDATA");
            if (string.IsNullOrWhiteSpace(local)) local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(local, "SessionAnalytics", "github");
        }
        var home = environment("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "SessionAnalytics", "github");
    }

    /// <summary>The file an entry for <paramref name="key"/> lives in: SHA-256 of the key, fanned out by its first two hex digits.</summary>
    internal string PathFor(string key)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();
        return Path.Combine(Directory, hash[..2], hash + ".json");
    }

    /// <summary>The absolute URL and the Accept header: two representations of one URL are two entries.</summary>
    internal static string KeyOf(IRequest request)
    {
        var url = request.Endpoint.IsAbsoluteUri ? request.Endpoint : new Uri(request.BaseAddress, request.Endpoint);
        var accept = request.Headers.TryGetValue("Accept", out var a) ? a : "";
        return url.AbsoluteUri + "\n" + accept;
    }

    internal static IHttpClient Wrap(GitHubResponseCache? cache, IHttpClient inner) =>
        cache is null ? inner : new CachingHttpClient(inner, new OctokitAdapter(cache));

    internal CachedResponse.V1? Read(IRequest request)
    {
        var key = KeyOf(request);
        var path = PathFor(key);
        Entry? entry;
        try
        {
            if (!File.Exists(path)) return null;
            entry = JsonSerializer.Deserialize<Entry>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            _diagnostics.Verbose($"GitHub cache: entry '{path}' is unreadable ({e.Message}); asking GitHub afresh.");
            return null;
        }
        // A hash collision or an entry of another format is a miss, never someone else's page.
        if (entry is null || entry.Version != FormatVersion || entry.Key != key || entry.Body is null || entry.Headers is null) return null;
        Interlocked.Increment(ref _hits);
        return new CachedResponse.V1(entry.Body, entry.Headers, null, (HttpStatusCode)entry.Status, entry.ContentType);
    }

    internal void Write(IRequest request, CachedResponse.V1 response)
    {
        // Only what can be revalidated is worth keeping; binary bodies (streams) are not cached.
        if (response.Body is not string body || response.StatusCode != HttpStatusCode.OK) return;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in response.Headers)
            if (StoredHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)) headers[name] = value;
        if (!headers.ContainsKey("ETag")) return;

        var key = KeyOf(request);
        var path = PathFor(key);
        var entry = new Entry(FormatVersion, key, (int)response.StatusCode, response.ContentType, headers, body);
        try
        {
            CreatePrivateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions));
            File.Move(temporary, path, overwrite: true);
            Interlocked.Increment(ref _stores);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref _writeFailureReported, 1) == 0)
                _diagnostics.Warning($"Cannot write the GitHub response cache in '{Directory}' ({e.Message}); this run continues without storing responses.");
        }
    }

    private void CreatePrivateDirectory(string path)
    {
        if (System.IO.Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        // The root first, so it gets the private mode rather than the umask's.
        if (!System.IO.Directory.Exists(Directory)) System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private sealed record Entry(
        [property: JsonPropertyName("version")] int Version,
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("status")] int Status,
        [property: JsonPropertyName("content_type")] string? ContentType,
        [property: JsonPropertyName("headers")] Dictionary<string, string>? Headers,
        [property: JsonPropertyName("body")] string? Body);

    private sealed class OctokitAdapter(GitHubResponseCache cache) : IResponseCache
    {
        public Task<CachedResponse.V1> GetAsync(IRequest request) => Task.FromResult(cache.Read(request)!);

        public Task SetAsync(IRequest request, CachedResponse.V1 cachedResponse)
        {
            cache.Write(request, cachedResponse);
            return Task.CompletedTask;
        }
    }
}
