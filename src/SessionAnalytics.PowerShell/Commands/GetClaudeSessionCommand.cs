using System.Management.Automation;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.PowerShell.Completion;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>Finds Claude Code sessions on disk and emits one <see cref="ClaudeSession"/> per session.</summary>
[Cmdlet(VerbsCommon.Get, "ClaudeSession", DefaultParameterSetName = PathSet, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Get-ClaudeSession.md")]
[OutputType(typeof(ClaudeSession))]
public sealed class GetClaudeSessionCommand : SessionAnalyticsCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string HookSet = "HookInput";
    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);

    /// <summary>Config directories, projects directories, project directories or .jsonl transcripts; wildcards allowed.</summary>
    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("transcript_path")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>
    /// Full session ids or prefixes. A string from the pipeline binds here ('258c' | Get-ClaudeSession); one that is
    /// a hook's JSON object is read as -HookInput would be.
    /// </summary>
    [Parameter(ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("session_id", "SessionId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    public string[]? Id { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BranchCompleter))]
    public string[]? Branch { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    public string[]? Project { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public DateTime? Since { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public DateTime? Until { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Current { get; set; }

    /// <summary>The JSON a Claude Code hook receives on stdin (session_id, transcript_path, cwd).</summary>
    [Parameter(ParameterSetName = HookSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? HookInput { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == HookSet)
        {
            Emit(FromHookInput(HookInput!));
            return;
        }

        // Hook JSON piped in as text (`$input | Get-ClaudeSession` in a hook) is not an id.
        var ids = new List<string>();
        foreach (var id in Id ?? [])
        {
            if (id.TrimStart().StartsWith('{')) Emit(FromHookInput(id));
            else ids.Add(id);
        }
        if (Id is { Length: > 0 } && ids.Count == 0) return;

        var roots = ResolveRoots(out var defaults);
        WriteVerbose($"Looking for sessions in {string.Join(", ", roots.Select(r => $"'{r}'"))}.");
        var query = new SessionQuery
        {
            Roots = roots,
            Ids = ids,
            BranchMatch = Matcher(Branch),
            ProjectMatch = Matcher(Project),
            Since = Since is DateTime s ? ToOffset(s) : null,
            Until = Until is DateTime u ? ToOffset(u) : null,
            Current = Current,
            CurrentDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        };
        var sessions = Engine(() => new SessionDiscovery(Diagnostics).Find(query, defaults, Stopping));
        Diagnostics.CompleteProgress("Finding Claude Code sessions");
        Emit(sessions);
        ReportUnmatched(roots, defaults, ids, sessions);
    }

    /// <summary>
    /// A literal -Id, -Branch or -Project that no session has is a typo until shown otherwise: a non-terminating
    /// ObjectNotFound error naming the nearest values, as Get-Process -Name does. Patterns that match nothing stay
    /// silent. Values the emitted sessions have are settled at once; only the others cost a second discovery pass
    /// over every session, without the other filters (a value those filters exclude is no typo).
    /// </summary>
    private void ReportUnmatched(IReadOnlyList<string> roots, bool defaults, IReadOnlyList<string> ids, IReadOnlyList<ClaudeSession> found)
    {
        static IEnumerable<string> Literal(IEnumerable<string>? values) => (values ?? []).Where(v => !WildcardPattern.ContainsWildcardCharacters(v));
        var open = UnmatchedFilter.Find(found, Literal(ids), Literal(Branch), Literal(Project));
        if (open.Count == 0) return;
        IEnumerable<string> Open(string parameter) => open.Where(m => m.Parameter == parameter).Select(m => m.Value);
        var all = Engine(() => new SessionDiscovery(NullDiagnostics.Instance).Find(new SessionQuery { Roots = roots }, defaults, Stopping));
        foreach (var miss in UnmatchedFilter.Find(all, Open("Id"), Open("Branch"), Open("Project")))
        {
            WriteError(new ErrorRecord(new ItemNotFoundException(miss.Message), UnmatchedFilter.ErrorId, ErrorCategory.ObjectNotFound, miss.Value)
            {
                ErrorDetails = new ErrorDetails(miss.Message)
                {
                    RecommendedAction = (miss.Parameter, miss.Nearest.Count) switch
                    {
                        ("Id", _) => "Check the id: -Id takes whole session ids or their first characters; Get-ClaudeSession lists what exists.",
                        (var p, > 0) => $"Did you mean -{p} '{miss.Nearest[0]}'? Get-ClaudeSession without -{p} lists what exists.",
                        (var p, _) => $"Check the spelling, or match its start with a wildcard (-{p} '{Stem(miss.Value)}*'); Get-ClaudeSession without -{p} lists what exists.",
                    },
                },
            });
        }
    }

    /// <summary>The start of a value to suggest as a wildcard: up to its first '/' ("fix/"), else its first three characters.</summary>
    private static string Stem(string value) =>
        value.IndexOf('/') is var slash and > 0 ? value[..(slash + 1)] : value[..Math.Min(3, value.Length)];

    private void Emit(IEnumerable<ClaudeSession> sessions)
    {
        foreach (var s in sessions)
            if (_emitted.Add(s.TranscriptPath)) WriteObject(s);
    }

    private IReadOnlyList<string> ResolveRoots(out bool defaults)
    {
        defaults = false;
        var roots = new List<string>();
        if (LiteralPath is not null)
            roots.AddRange(LiteralPath.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
        else if (Path is not null)
        {
            foreach (var p in Path)
            {
                if (WildcardPattern.ContainsWildcardCharacters(p))
                {
                    try { roots.AddRange(GetResolvedProviderPathFromPSPath(p, out _)); }
                    catch (ItemNotFoundException) { WriteError(new ErrorRecord(new ItemNotFoundException($"No path matches '{p}'."), "SessionRootNotFound", ErrorCategory.ObjectNotFound, p)); }
                }
                else roots.Add(GetUnresolvedProviderPathFromPSPath(p));
            }
        }
        else
        {
            defaults = true;
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            roots.AddRange(SessionDiscovery.DefaultRoots(Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"), home));
            // An explicit CLAUDE_CONFIG_DIR that does not exist is the user's mistake, not a default to skip quietly.
            defaults = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"));
        }
        return roots;
    }

    private IEnumerable<ClaudeSession> FromHookInput(string json)
    {
        string? sessionId, transcript;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            sessionId = root.TryGetProperty("session_id", out var s) ? s.GetString() : null;
            transcript = root.TryGetProperty("transcript_path", out var t) ? t.GetString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            WriteError(new ErrorRecord(e, "HookInputInvalid", ErrorCategory.InvalidData, json.Length > 200 ? json[..200] : json)
            {
                ErrorDetails = new ErrorDetails("-HookInput is not the JSON a Claude Code hook receives ({\"session_id\": ..., \"transcript_path\": ...}): " + e.Message),
            });
            return [];
        }
        if (transcript is not null && File.Exists(transcript))
            return Engine(() => new SessionDiscovery(Diagnostics).DescribeFile(transcript)) is { } found ? [found] : [];
        if (sessionId is null)
        {
            WriteError(new ErrorRecord(new ArgumentException("Hook input names neither an existing transcript_path nor a session_id."), "HookInputIncomplete", ErrorCategory.InvalidData, json));
            return [];
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var query = new SessionQuery { Roots = SessionDiscovery.DefaultRoots(Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"), home), Ids = [sessionId] };
        return Engine(() => new SessionDiscovery(Diagnostics).Find(query, true, Stopping));
    }

    private static Func<string, bool>? Matcher(string[]? patterns)
    {
        if (patterns is null || patterns.Length == 0) return null;
        var compiled = patterns.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
        return value => compiled.Any(p => p.IsMatch(value));
    }

    // DateTime parameters without a zone mean local time, as everywhere in PowerShell.
    private static DateTimeOffset ToOffset(DateTime d) =>
        d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Local)) : new DateTimeOffset(d);
}
