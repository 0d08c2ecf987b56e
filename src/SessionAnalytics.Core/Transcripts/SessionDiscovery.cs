using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>What to look for. Roots are resolved file-system paths; no roots means the default config directories.</summary>
public sealed class SessionQuery
{
    public IReadOnlyList<string> Roots { get; init; } = [];
    /// <summary>Full session ids or prefixes (case-insensitive); empty means all.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>A session matches when any branch it ran on matches.</summary>
    public Func<string, bool>? BranchMatch { get; init; }
    /// <summary>Matched against the project's cwd, its leaf name and the encoded project directory.</summary>
    public Func<string, bool>? ProjectMatch { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>
    /// Only the most recently active session of the project of <see cref="CurrentDirectory"/> or, when it has none,
    /// of the nearest ancestor up to the repository root (<see cref="CurrentProject"/>).
    /// </summary>
    public bool Current { get; init; }
    public string? CurrentDirectory { get; init; }
    /// <summary>The home directory, where the -Current walk stops outside a repository.</summary>
    public string? HomeDirectory { get; init; }
}

/// <summary>
/// Finds sessions under Claude Code config directories without parsing whole transcripts: the first lines give cwd,
/// version and start; the last 256 KB give the last activity; a byte search (not a parse) finds every branch.
/// Layouts: &lt;sid&gt;.jsonl with &lt;sid&gt;/**/agent-*.jsonl (2.1.x, compaction and nested workflow folders included),
/// flat agent-&lt;id&gt;.jsonl beside the session linked by sessionId (2.0.x), and inline sidechains (1.0.x).
/// </summary>
public sealed partial class SessionDiscovery(IDiagnostics diagnostics)
{
    private const int HeadBytes = 1 << 20;
    private const int TailBytes = 256 * 1024;
    private static readonly byte[] BranchKey = "\"gitBranch\":\""u8.ToArray();

    /// <summary>CLAUDE_CONFIG_DIR (comma-separated) when set, else ~/.config/claude and ~/.claude.</summary>
    public static IReadOnlyList<string> DefaultRoots(string? claudeConfigDir, string home)
    {
        if (!string.IsNullOrWhiteSpace(claudeConfigDir))
            return claudeConfigDir.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [Path.Combine(home, ".config", "claude"), Path.Combine(home, ".claude")];
    }

    /// <summary>Claude Code's project directory name for a working directory: every non-alphanumeric character becomes '-'.</summary>
    public static string EncodeProjectDirectory(string cwd) => NonAlphanumeric().Replace(cwd.TrimEnd('/', '\\'), "-");

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NonAlphanumeric();

    public IReadOnlyList<ClaudeSession> Find(SessionQuery query, bool rootsAreDefaults, CancellationToken cancellation = default)
    {
        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var anyRoot = false;
        foreach (var root in query.Roots)
        {
            cancellation.ThrowIfCancellationRequested();
            if (File.Exists(root)) { anyRoot = true; AddTranscriptFile(root, candidates); continue; }
            if (!Directory.Exists(root))
            {
                if (rootsAreDefaults) diagnostics.Verbose($"No Claude Code directory at '{root}'.");
                else diagnostics.Error(new EngineError("SessionRootNotFound", ErrorKind.ObjectNotFound,
                    $"The path '{root}' does not exist.", root) { RecommendedAction = "Pass a Claude Code config directory (~/.claude), its projects directory, a project directory or a .jsonl transcript." });
                continue;
            }
            anyRoot = true;
            var before = candidates.Count;
            foreach (var projectDir in ProjectDirectories(root))
                ScanProjectDirectory(projectDir, candidates, query);
            diagnostics.Verbose($"'{root}': {candidates.Count - before} session transcript(s).");
        }
        if (!anyRoot && rootsAreDefaults)
            diagnostics.Error(new EngineError("ClaudeConfigDirectoryNotFound", ErrorKind.ObjectNotFound,
                $"No Claude Code config directory found (looked in {string.Join(", ", query.Roots)}).", null)
            { RecommendedAction = "Pass -Path, or set CLAUDE_CONFIG_DIR to your Claude Code config directory." });

        var sessions = new List<ClaudeSession>();
        var i = 0;
        int described = 0, agentFiles = 0;
        foreach (var c in candidates.Values.OrderBy(c => c.MainPath, StringComparer.Ordinal))
        {
            cancellation.ThrowIfCancellationRequested();
            diagnostics.Progress("Finding Claude Code sessions", $"{++i} of {candidates.Count}: {Path.GetFileName(c.MainPath)}", i * 100 / Math.Max(1, candidates.Count));
            if (!IdMatches(c.Id, query.Ids)) continue;
            if (query.Since is DateTimeOffset since && LastWrite(c.MainPath) < since) continue; // a file is written after its last line
            described++;
            agentFiles += c.AgentFiles.Count;
            var session = Describe(c);
            if (session is null || !Matches(session, query)) continue;
            sessions.Add(session);
        }

        diagnostics.Verbose($"Read the head and tail of {described} of {candidates.Count} session(s) ({described + agentFiles} transcript file(s) counted); {sessions.Count} matched.");
        sessions.Sort((a, b) => Nullable.Compare(a.FirstActivity, b.FirstActivity) is var cmp and not 0 ? cmp : string.CompareOrdinal(a.Id, b.Id));
        if (query.Current)
        {
            var cwd = query.CurrentDirectory ?? Directory.GetCurrentDirectory();
            var searched = CurrentProject.SearchDirectories(cwd, query.HomeDirectory);
            var current = searched
                .Select(dir => sessions.Where(s => s.ProjectDirectory == EncodeProjectDirectory(dir) || PathEquals(s.Cwd, dir))
                    .OrderByDescending(s => s.LastActivity).FirstOrDefault())
                .FirstOrDefault(s => s is not null);
            if (current is null)
                diagnostics.Error(new EngineError("CurrentSessionNotFound", ErrorKind.ObjectNotFound,
                    $"No Claude Code session found for '{cwd}' or the folders above it up to '{searched[^1]}' (project directories {string.Join(", ", searched.Select(EncodeProjectDirectory))}).", cwd)
                { RecommendedAction = "Run it inside the folder (or a folder below the one) Claude Code was started in, or pass -Path, -Id or -Branch." });
            else if (!PathEquals(current.Cwd, cwd))
                diagnostics.Verbose($"-Current: the session of '{current.Cwd ?? current.ProjectDirectory}', the nearest folder above '{cwd}' with one.");
            return current is null ? [] : [current];
        }
        return sessions;
    }

    /// <summary>Describes one transcript file as a session (its subagent files included).</summary>
    public ClaudeSession? DescribeFile(string transcriptPath)
    {
        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        AddTranscriptFile(transcriptPath, candidates);
        return candidates.Values.Select(Describe).FirstOrDefault(s => s is not null);
    }

    private sealed class Candidate(string id, string mainPath, string projectDir)
    {
        public string Id { get; } = id;
        public string MainPath { get; } = mainPath;
        public string ProjectDir { get; } = projectDir;
        public List<string> AgentFiles { get; } = [];
    }

    private IEnumerable<string> ProjectDirectories(string root)
    {
        var projects = Path.Combine(root, "projects");
        if (Directory.Exists(projects)) return SafeDirectories(projects);
        if (SafeFiles(root, "*.jsonl").Any()) return [root];
        return SafeDirectories(root);
    }

    private void AddTranscriptFile(string path, Dictionary<string, Candidate> candidates)
    {
        var full = Path.GetFullPath(path);
        if (TranscriptFile.IsAgentFile(full))
        {
            // A subagent transcript belongs to its parent session: <sid>/subagents/agent-*.jsonl or a flat agent file.
            var parent = ParentOfAgentFile(full);
            if (parent is null)
            {
                diagnostics.Error(new EngineError("SubagentParentNotFound", ErrorKind.ObjectNotFound,
                    $"'{full}' is a subagent transcript and its parent session's transcript was not found.", full));
                return;
            }
            full = parent;
        }
        var dir = Path.GetDirectoryName(full)!;
        var candidate = new Candidate(Path.GetFileNameWithoutExtension(full), full, dir);
        AttachAgentFiles(candidate, dir);
        candidates[full] = candidate;
    }

    private string? ParentOfAgentFile(string agentPath)
    {
        for (var dir = Path.GetDirectoryName(agentPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var asSession = dir + ".jsonl";
            if (File.Exists(asSession)) return asSession;
            if (SafeFiles(dir, "*.jsonl").Any(f => !TranscriptFile.IsAgentFile(f)))
            {
                var sid = ReadSessionId(agentPath);
                var main = sid is null ? null : Path.Combine(dir, sid + ".jsonl");
                return main is not null && File.Exists(main) ? main : null;
            }
        }
        return null;
    }

    private void AttachAgentFiles(Candidate c, string projectDir)
    {
        AddSessionFolder(c, projectDir);
        foreach (var flat in SafeFiles(projectDir, "agent-*.jsonl"))
            if (ReadSessionId(flat) == c.Id) c.AgentFiles.Add(flat);
    }

    /// <summary>2.1.x: every agent-*.jsonl under &lt;session-id&gt;/ (subagents, compaction calls, nested workflow folders).</summary>
    private void AddSessionFolder(Candidate c, string projectDir)
    {
        var folder = Path.Combine(projectDir, c.Id);
        if (Directory.Exists(folder))
            c.AgentFiles.AddRange(SafeFiles(folder, "agent-*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    private void ScanProjectDirectory(string projectDir, Dictionary<string, Candidate> candidates, SessionQuery query)
    {
        var files = SafeFiles(projectDir, "*.jsonl").ToList();
        var mains = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var f in files.Where(f => !TranscriptFile.IsAgentFile(f)))
        {
            var c = new Candidate(Path.GetFileNameWithoutExtension(f), Path.GetFullPath(f), projectDir);
            mains[c.Id] = c;
            AddSessionFolder(c, projectDir);
        }
        // 2.0.x: flat agent files beside the sessions, linked by the sessionId on their lines.
        foreach (var f in files.Where(TranscriptFile.IsAgentFile))
        {
            var sid = ReadSessionId(f);
            if (sid is not null && mains.TryGetValue(sid, out var parent)) parent.AgentFiles.Add(Path.GetFullPath(f));
            else diagnostics.Verbose($"Subagent transcript '{f}' has no parent session transcript beside it; skipped.");
        }
        foreach (var c in mains.Values) candidates[c.MainPath] = c;
    }

    private ClaudeSession? Describe(Candidate c)
    {
        var head = ReadHead(c.MainPath);
        var tail = ReadTail(c.MainPath);
        var branches = ScanBranches(c.MainPath);
        long size = 0;
        foreach (var f in c.AgentFiles.Prepend(c.MainPath))
            try { size += new FileInfo(f).Length; } catch (IOException) { }
        var cwd = head.Cwd;
        return new ClaudeSession
        {
            Id = c.Id,
            Project = cwd is null ? c.ProjectDir.Split(Path.DirectorySeparatorChar).Last() : LeafName(cwd),
            ProjectDirectory = Path.GetFileName(c.ProjectDir),
            Cwd = cwd,
            Branch = BranchRule.Choose(branches),
            Branches = branches,
            FirstActivity = head.First,
            LastActivity = tail.Last ?? head.Last,
            Version = tail.Version ?? head.Version,
            TranscriptPath = c.MainPath,
            TranscriptPaths = [c.MainPath, .. c.AgentFiles],
            SubagentFiles = c.AgentFiles,
            SizeBytes = size,
            ConfigDirectory = Path.GetDirectoryName(Path.GetDirectoryName(c.ProjectDir)),
        };
    }

    private static bool Matches(ClaudeSession s, SessionQuery q)
    {
        if (q.BranchMatch is { } branch && !s.Branches.Any(branch)) return false;
        if (q.ProjectMatch is { } project && !(project(s.ProjectDirectory) || (s.Cwd is not null && project(s.Cwd)) || (s.Project is not null && project(s.Project)))) return false;
        if (q.Since is DateTimeOffset since && (s.LastActivity ?? s.FirstActivity) < since) return false;
        if (q.Until is DateTimeOffset until && s.FirstActivity > until) return false;
        return true;
    }

    private static bool IdMatches(string id, IReadOnlyList<string> ids) =>
        ids.Count == 0 || ids.Any(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    private readonly record struct HeadInfo(string? Cwd, string? Version, DateTimeOffset? First, DateTimeOffset? Last);

    private HeadInfo ReadHead(string path)
    {
        string? cwd = null, version = null;
        DateTimeOffset? first = null, last = null;
        foreach (var line in ReadLines(path, 0, HeadBytes))
        {
            if (!TryParse(line, out var e)) continue;
            cwd ??= e.Str("cwd");
            version ??= e.Str("version");
            if (e.Timestamp() is DateTimeOffset t) { first ??= t; last = t; }
            if (cwd is not null && version is not null && first is not null) break;
        }
        return new HeadInfo(cwd, version, first, last);
    }

    private (DateTimeOffset? Last, string? Version) ReadTail(string path)
    {
        long length;
        try { length = new FileInfo(path).Length; } catch (IOException) { return (null, null); }
        var start = Math.Max(0, length - TailBytes);
        DateTimeOffset? last = null;
        string? version = null;
        foreach (var line in ReadLines(path, start, TailBytes, skipPartialFirst: start > 0))
        {
            if (!TryParse(line, out var e)) continue;
            if (e.Timestamp() is DateTimeOffset t && (last is null || t > last)) last = t;
            version = e.Str("version") ?? version;
        }
        return (last, version);
    }

    /// <summary>Every gitBranch value in order of last appearance, found by a byte search rather than a JSON parse.</summary>
    private List<string> ScanBranches(string path)
    {
        var branches = new List<string>();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            var buffer = new byte[1 << 20];
            int carry = 0;
            string? previous = null;
            while (true)
            {
                var read = stream.Read(buffer, carry, buffer.Length - carry);
                if (read == 0) break;
                var span = buffer.AsSpan(0, carry + read);
                var consumed = 0;
                while (true)
                {
                    var at = span[consumed..].IndexOf(BranchKey);
                    if (at < 0) break;
                    var valueStart = consumed + at + BranchKey.Length;
                    var end = span[valueStart..].IndexOf((byte)'"');
                    if (end < 0 || end > 512) { if (end < 0) break; consumed = valueStart; continue; }
                    var value = Encoding.UTF8.GetString(span.Slice(valueStart, end));
                    if (value.Length > 0 && value != previous)
                    {
                        branches.Remove(value);
                        branches.Add(value);
                        previous = value;
                    }
                    consumed = valueStart + end;
                }
                // Keep the end of the buffer: a key may straddle two reads.
                carry = Math.Min(span.Length, BranchKey.Length + 512);
                span[^carry..].CopyTo(buffer);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Warning($"Could not scan '{path}' for branches: {e.Message}");
        }
        return branches;
    }

    private IEnumerable<byte[]> ReadLines(string path, long offset, int maxBytes, bool skipPartialFirst = false)
    {
        byte[] data;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(offset, SeekOrigin.Begin);
            data = new byte[(int)Math.Min(maxBytes, Math.Max(0, stream.Length - offset))];
            stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(new EngineError(e is UnauthorizedAccessException ? "TranscriptAccessDenied" : "TranscriptUnreadable",
                e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, $"Cannot read transcript '{path}': {e.Message}", path, e));
            yield break;
        }
        var pos = 0;
        if (skipPartialFirst)
        {
            var nl = Array.IndexOf(data, (byte)'\n');
            if (nl < 0) yield break;
            pos = nl + 1;
        }
        while (pos < data.Length)
        {
            var nl = Array.IndexOf(data, (byte)'\n', pos);
            if (nl < 0) { if (offset + data.Length >= new FileInfo(path).Length) yield return data[pos..]; yield break; }
            if (nl > pos) yield return data[pos..nl];
            pos = nl + 1;
        }
    }

    private static bool TryParse(byte[] line, out JsonElement element)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            element = doc.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException) { element = default; return false; }
    }


    private string? ReadSessionId(string path)
    {
        foreach (var line in ReadLines(path, 0, 64 * 1024))
            if (TryParse(line, out var e) && e.Str("sessionId") is string sid) return sid;
        return null;
    }

    private IEnumerable<string> SafeFiles(string dir, string pattern, SearchOption option = SearchOption.TopDirectoryOnly)
    {
        try
        {
            return Directory.EnumerateFiles(dir, pattern, new EnumerationOptions
            {
                RecurseSubdirectories = option == SearchOption.AllDirectories,
                IgnoreInaccessible = false,
                AttributesToSkip = FileAttributes.None,
            }).ToList();
        }
        catch (UnauthorizedAccessException e)
        {
            diagnostics.Error(new EngineError("SessionDirectoryAccessDenied", ErrorKind.PermissionDenied, $"Cannot list '{dir}': {e.Message}", dir, e));
        }
        catch (IOException e)
        {
            diagnostics.Error(new EngineError("SessionDirectoryUnreadable", ErrorKind.ReadError, $"Cannot list '{dir}': {e.Message}", dir, e));
        }
        return [];
    }

    private IEnumerable<string> SafeDirectories(string dir)
    {
        try { return Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal).ToList(); }
        catch (UnauthorizedAccessException e)
        {
            diagnostics.Error(new EngineError("SessionDirectoryAccessDenied", ErrorKind.PermissionDenied, $"Cannot list '{dir}': {e.Message}", dir, e));
        }
        catch (IOException e)
        {
            diagnostics.Error(new EngineError("SessionDirectoryUnreadable", ErrorKind.ReadError, $"Cannot list '{dir}': {e.Message}", dir, e));
        }
        return [];
    }

    private static DateTimeOffset LastWrite(string path)
    {
        try { return File.GetLastWriteTimeUtc(path); } catch (IOException) { return DateTimeOffset.MaxValue; }
    }

    private static string LeafName(string cwd) =>
        cwd.TrimEnd('/', '\\').Split('/', '\\').LastOrDefault(p => p.Length > 0) ?? cwd;

    private static bool PathEquals(string? a, string b) =>
        a is not null && string.Equals(a.TrimEnd('/', '\\'), b.TrimEnd('/', '\\'), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
