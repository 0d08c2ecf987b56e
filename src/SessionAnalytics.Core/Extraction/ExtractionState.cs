using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Export;

namespace SessionAnalytics.Core.Extraction;

/// <summary>
/// What an extraction remembers between runs so that a re-run asks only for what changed: per search scope (one
/// repository, or one organization) the date windows searched completely and when, and per PR/issue its GitHub
/// <c>updated_at</c> when it was read, the records it gave, and what its CI figures need to be refreshed. One JSON
/// file per scope, reading account's trust rule and API (<see cref="ExtractionStateStore"/>), so runs for different
/// repositories (CI shards) never share a file.
/// </summary>
internal sealed class ExtractionScopeState
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")] public int Version { get; set; } = CurrentVersion;
    [JsonPropertyName("key")] public string Key { get; set; } = "";
    /// <summary>repo:owner/name or org:name.</summary>
    [JsonPropertyName("scope")] public string Scope { get; set; } = "";
    [JsonPropertyName("windows")] public List<SearchWindow> Windows { get; set; } = [];
    /// <summary>By "owner/name#number", lower case.</summary>
    [JsonPropertyName("items")] public Dictionary<string, ItemState> Items { get; set; } = [];
    /// <summary>The reading account's login, when some remembered item's records depended on it (see <see cref="ItemState.NeedsReader"/>).</summary>
    [JsonPropertyName("reader")] public string? Reader { get; set; }

    /// <summary>The latest window that covers [from, to] for at least <paramref name="targets"/>.</summary>
    public SearchWindow? Covering(DateTimeOffset from, DateTimeOffset to, ExtractionTargets targets) =>
        Windows.Where(w => w.From <= from && w.To >= to && (w.Targets & targets) == targets).MaxBy(w => w.AsOf);

    public void AddWindow(SearchWindow window)
    {
        Windows.RemoveAll(w => w.From >= window.From && w.To <= window.To && (window.Targets & w.Targets) == w.Targets);
        Windows.Add(window);
        // A handful of windows is all a schedule uses; the oldest go first.
        if (Windows.Count > ExtractionStateStore.MaxWindows) Windows = Windows.OrderByDescending(w => w.AsOf).Take(ExtractionStateStore.MaxWindows).ToList();
    }

    public static string ItemKey(string repository, int number) => repository.ToLowerInvariant() + "#" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A created-date range searched completely at <see cref="AsOf"/> (the time the search started, by this machine's clock).</summary>
internal sealed record SearchWindow(
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("targets")] ExtractionTargets Targets,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf);

/// <summary>One PR or issue as last read.</summary>
internal sealed class ItemState
{
    [JsonPropertyName("repository")] public string Repository { get; set; } = "";
    [JsonPropertyName("number")] public int Number { get; set; }
    [JsonPropertyName("is_pull_request")] public bool IsPullRequest { get; set; }
    [JsonPropertyName("title")] public string Title { get; set; } = "";
    [JsonPropertyName("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("comments")] public int CommentCount { get; set; }
    /// <summary>When it was read (this machine's clock).</summary>
    [JsonPropertyName("read_at")] public DateTimeOffset ReadAt { get; set; }
    /// <summary>A session comment's trust was decided by the reading account's login (not by its association alone).</summary>
    [JsonPropertyName("needs_reader")] public bool NeedsReader { get; set; }
    /// <summary>What refreshing the CI figures needs; null for issues and PRs without sessions.</summary>
    [JsonPropertyName("pr")] public PullRequestState? PullRequest { get; set; }
    [JsonPropertyName("records")] public List<SessionAnalyticsRecord> Records { get; set; } = [];
}

internal sealed record PullRequestState(
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("merged_at")] DateTimeOffset? MergedAt,
    [property: JsonPropertyName("closed_at")] DateTimeOffset? ClosedAt,
    [property: JsonPropertyName("head_ref")] string? HeadRef,
    [property: JsonPropertyName("head_repository")] string? HeadRepository);

/// <summary>
/// Where <see cref="ExtractionScopeState"/> files live: <c>&lt;directory&gt;/&lt;sha-256&gt;.json</c>, named by a hash of
/// the API root, the scope, the trust rule and the integration login (the things that change what a run would read),
/// created readable by the current user only (records of private repositories land there), written through a
/// temporary file and moved into place. An unreadable or foreign file is a fresh start, never an error.
/// </summary>
public sealed class ExtractionStateStore
{
    internal const int MaxWindows = 16;
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        IgnoreReadOnlyProperties = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IDiagnostics _diagnostics;

    public ExtractionStateStore(string directory, IDiagnostics? diagnostics = null)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw new ArgumentException("A state directory is required.", nameof(directory));
        Directory = Path.GetFullPath(directory);
        _diagnostics = diagnostics ?? NullDiagnostics.Instance;
    }

    public string Directory { get; }

    /// <summary>The state folder that goes with a response cache folder: its <c>extraction</c> subfolder.</summary>
    public static string ForCache(string cacheDirectory) => Path.Combine(cacheDirectory, "extraction");

    internal static string KeyOf(Uri apiUrl, string scope, IReadOnlyCollection<string>? trustedAuthors, string? integrationLogin) =>
        string.Join("\n", "v" + ExtractionScopeState.CurrentVersion, apiUrl.AbsoluteUri, scope.ToLowerInvariant(),
            trustedAuthors is { Count: > 0 } t ? "trusted:" + string.Join(",", t.Select(a => a.ToLowerInvariant()).Order(StringComparer.Ordinal)) : "trust:default",
            "integration:" + (integrationLogin ?? "").ToLowerInvariant());

    private string PathFor(string key) =>
        Path.Combine(Directory, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant() + ".json");

    internal ExtractionScopeState Load(string key, string scope)
    {
        var path = PathFor(key);
        try
        {
            if (File.Exists(path)
                && JsonSerializer.Deserialize<ExtractionScopeState>(File.ReadAllBytes(path), Json) is { } state
                && state.Version == ExtractionScopeState.CurrentVersion && state.Key == key)
                return state;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            _diagnostics.Verbose($"Extraction state '{path}' is unreadable ({e.Message}); {scope} is read afresh.");
        }
        return new ExtractionScopeState { Key = key, Scope = scope };
    }

    internal void Save(ExtractionScopeState state)
    {
        var path = PathFor(state.Key);
        try
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
                else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.Warning($"Cannot write the extraction state '{path}' ({e.Message}); the next run reads {state.Scope} afresh.");
        }
    }
}
