using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>What to look for. Roots are resolved file-system paths; no roots means the default config directories.</summary>
public sealed class SessionQuery
{
    public IReadOnlyList<string> Roots { get; init; } = [];
    /// <summary>Full session ids or prefixes (case-insensitive); empty means all.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];
    /// <summary>A session matches when any branch it ran on matches.</summary>
    public Func<string, bool>? BranchMatch { get; init; }
    /// <summary>Matched against the project's cwd, its leaf name, the encoded project directory, and the owner/name of the clone the cwd is in.</summary>
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
/// version and start, the last 256 KB the last activity (both read with a forward-only reader into pooled buffers);
/// the branches come from a byte search of the whole main transcript, done only for -Branch or when the session's
/// Branch/Branches are first read. Layouts: &lt;sid&gt;.jsonl with &lt;sid&gt;/**/agent-*.jsonl (2.1.x, compaction and
/// nested workflow folders included), flat agent-&lt;id&gt;.jsonl beside the session linked by sessionId (2.0.x), and
/// inline sidechains (1.0.x).
/// Discovery always ends: every directory is searched once, by its real path (a symbolic link back up the tree or to
/// a project directory already searched is not followed again), a session folder is searched only within itself, and
/// only regular files are opened (a FIFO, device or socket named *.jsonl is reported and skipped).
/// </summary>
public sealed partial class SessionDiscovery(IDiagnostics diagnostics)
{
    private const int HeadBytes = 1 << 20;
    private const int TailBytes = 256 * 1024;
    private const int SessionIdBytes = 64 * 1024;
    private const int MaxFolderDepth = 16;
    private readonly RealPaths _realPaths = new();
    private readonly HashSet<string> _searchedDirectories = new(PathComparer);
    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

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
        var candidates = new Dictionary<string, Candidate>(PathComparer);
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
            // Real directories before links to them, so a session keeps its real project directory's name.
            foreach (var projectDir in ProjectDirectories(root).OrderBy(d => IsLink(d) ? 1 : 0))
            {
                cancellation.ThrowIfCancellationRequested();
                if (Enter(projectDir)) ScanProjectDirectory(projectDir, candidates, query);
            }
            diagnostics.Verbose($"'{root}': {candidates.Count - before} session transcript(s).");
        }
        if (!anyRoot && rootsAreDefaults)
            diagnostics.Error(new EngineError("ClaudeConfigDirectoryNotFound", ErrorKind.ObjectNotFound,
                $"No Claude Code config directory found (looked in {string.Join(", ", query.Roots)}).", null)
            { RecommendedAction = "Pass -Path, or set CLAUDE_CONFIG_DIR to your Claude Code config directory." });

        var sessions = new List<ClaudeSession>();
        var i = 0;
        var scanBranches = query.BranchMatch is not null;
        int described = 0, agentFiles = 0;
        foreach (var c in candidates.Values.OrderBy(c => c.MainPath, StringComparer.Ordinal))
        {
            cancellation.ThrowIfCancellationRequested();
            diagnostics.Progress("Finding Claude Code sessions", $"{++i} of {candidates.Count}: {Path.GetFileName(c.MainPath)}", i * 100 / Math.Max(1, candidates.Count));
            if (!IdMatches(c.Id, query.Ids)) continue;
            if (query.Since is DateTimeOffset since && LastWrite(c.MainPath) < since) continue; // a file is written after its last line
            described++;
            agentFiles += c.AgentFiles.Count;
            var session = Describe(c, scanBranches);
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
        var candidates = new Dictionary<string, Candidate>(PathComparer);
        AddTranscriptFile(transcriptPath, candidates);
        return candidates.Values.Select(c => Describe(c, scanBranches: false)).FirstOrDefault(s => s is not null);
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

    /// <summary>True the first time a directory (by its real path) is to be searched.</summary>
    private bool Enter(string dir)
    {
        var real = _realPaths.Resolve(dir);
        if (real is null)
        {
            diagnostics.Warning($"'{dir}': its symbolic links loop; not searched.");
            return false;
        }
        if (_searchedDirectories.Add(real)) return true;
        diagnostics.Verbose(real == Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar)
            ? $"'{dir}' was searched already."
            : $"'{dir}' leads to '{real}', which was searched already; not followed again.");
        return false;
    }

    /// <summary>A transcript to open: a regular file (after links) not taken yet. Anything else is reported and skipped.</summary>
    private bool Admit(string path, HashSet<string> taken)
    {
        if (!IsRegularFile(path)) return false;
        var real = _realPaths.Resolve(path) ?? path;
        if (taken.Add(real)) return true;
        diagnostics.Verbose($"'{path}' is the transcript '{real}' found before; counted once.");
        return false;
    }

    /// <summary>Checked before anything is opened: a FIFO would block the open, a device would never end.</summary>
    private bool IsRegularFile(string path)
    {
        var kind = FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.RegularFile: return true;
            case FileKind.Missing: diagnostics.Verbose($"'{path}' vanished or is a broken link; skipped."); return false;
            case FileKind.Other: diagnostics.Verbose($"'{path}' is empty or not a regular file; skipped."); return false;
            default:
                diagnostics.Warning($"'{path}' is {FileKinds.Describe(kind)}, not a regular file; skipped (only regular files are read).");
                return false;
        }
    }

    private readonly HashSet<string> _takenTranscripts = new(PathComparer);

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
        if (!Admit(full, _takenTranscripts)) return;
        var dir = Path.GetDirectoryName(full)!;
        var candidate = new Candidate(Path.GetFileNameWithoutExtension(full), full, dir);
        AddSessionFolder(candidate, dir);
        foreach (var flat in SafeFiles(dir, "agent-*.jsonl"))
            if (ReadSessionId(flat) == candidate.Id && Admit(flat, _takenTranscripts)) candidate.AgentFiles.Add(flat);
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

    /// <summary>2.1.x: every agent-*.jsonl under &lt;session-id&gt;/ (subagents, compaction calls, nested workflow folders).</summary>
    private void AddSessionFolder(Candidate c, string projectDir)
    {
        var folder = Path.Combine(projectDir, c.Id);
        if (!Directory.Exists(folder) || !Enter(folder)) return;
        var within = _realPaths.Resolve(folder)!;
        var found = new List<string>();
        CollectAgentFiles(folder, within, 0, found);
        found.Sort(StringComparer.Ordinal);
        c.AgentFiles.AddRange(found);
    }

    private void CollectAgentFiles(string dir, string sessionFolder, int depth, List<string> found)
    {
        foreach (var f in SafeFiles(dir, "agent-*.jsonl"))
            if (Admit(f, _takenTranscripts)) found.Add(f);
        if (depth >= MaxFolderDepth) return;
        foreach (var sub in SafeDirectories(dir))
        {
            var real = _realPaths.Resolve(sub);
            if (real is not null && !RealPaths.IsWithin(real, sessionFolder))
            {
                diagnostics.Verbose($"'{sub}' leads out of the session folder (to '{real}'); not followed.");
                continue;
            }
            if (Enter(sub)) CollectAgentFiles(sub, sessionFolder, depth + 1, found);
        }
    }

    private void ScanProjectDirectory(string projectDir, Dictionary<string, Candidate> candidates, SessionQuery query)
    {
        var files = SafeFiles(projectDir, "*.jsonl");
        var mains = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var f in files.Where(f => !TranscriptFile.IsAgentFile(f)))
        {
            if (!Admit(f, _takenTranscripts)) continue;
            var c = new Candidate(Path.GetFileNameWithoutExtension(f), Path.GetFullPath(f), projectDir);
            mains[c.Id] = c;
            // With -Id, the other sessions' folders are not even listed: a hook measuring one session stays cheap.
            if (IdMatches(c.Id, query.Ids)) AddSessionFolder(c, projectDir);
        }
        // 2.0.x: flat agent files beside the sessions, linked by the sessionId on their lines (read only when a
        // session of this directory is wanted).
        if (mains.Keys.Any(id => IdMatches(id, query.Ids)))
            foreach (var f in files.Where(TranscriptFile.IsAgentFile))
            {
                var sid = ReadSessionId(f);
                if (sid is not null && mains.TryGetValue(sid, out var parent))
                {
                    if (IdMatches(parent.Id, query.Ids) && Admit(f, _takenTranscripts)) parent.AgentFiles.Add(Path.GetFullPath(f));
                }
                else diagnostics.Verbose($"Subagent transcript '{f}' has no parent session transcript beside it; skipped.");
            }
        foreach (var c in mains.Values) candidates[c.MainPath] = c;
    }

    private ClaudeSession? Describe(Candidate c, bool scanBranches)
    {
        HeadInfo head = default;
        (DateTimeOffset? Last, string? Version) tail = default;
        IReadOnlyList<string>? branches = null;
        try
        {
            using var file = Open(c.MainPath);
            var length = RandomAccess.GetLength(file);
            head = ReadHead(file, length);
            tail = ReadTail(file, length);
            if (scanBranches) branches = BranchScan.Read(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(Unreadable(c.MainPath, e));
        }
        long size = 0;
        foreach (var f in c.AgentFiles.Prepend(c.MainPath))
            try { size += new FileInfo(f).Length; } catch (IOException) { }
        var cwd = head.Cwd;
        var mainPath = c.MainPath;
        return new ClaudeSession
        {
            Id = c.Id,
            Project = cwd is null ? c.ProjectDir.Split(Path.DirectorySeparatorChar).Last() : LeafName(cwd),
            ProjectDirectory = Path.GetFileName(c.ProjectDir),
            Cwd = cwd,
            Branches = branches is null ? null! : new CellList<string>(branches), // null: scanned when first read, through BranchSource
            BranchSource = branches is null ? () => ScanBranchesQuietly(mainPath) : null,
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

    /// <summary>
    /// The deferred scan behind <see cref="ClaudeSession.Branches"/>: it runs when a property is read, possibly after
    /// the command that found the session has ended, so a file that cannot be read any more gives no branches rather
    /// than a message on a stream that is gone (measuring the session reports the unreadable file).
    /// </summary>
    private static IReadOnlyList<string> ScanBranchesQuietly(string path)
    {
        try
        {
            if (FileKinds.Of(path) != FileKind.RegularFile) return [];
            using var file = Open(path);
            return BranchScan.Read(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static bool IsLink(string path)
    {
        try { return new DirectoryInfo(path).LinkTarget is not null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static EngineError Unreadable(string path, Exception e) =>
        new(e is UnauthorizedAccessException ? "TranscriptAccessDenied" : "TranscriptUnreadable",
            e is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.ReadError, $"Cannot read transcript '{path}': {e.Message}", path, e);

    private static SafeFileHandle Open(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private static bool Matches(ClaudeSession s, SessionQuery q)
    {
        if (q.BranchMatch is { } branch && !s.Branches.Any(branch)) return false;
        // -Project: the folder name, the working directory, the projects/ folder, or owner/name of the clone (read last: it
        // costs a walk up the directory tree).
        if (q.ProjectMatch is { } project && !(project(s.ProjectDirectory) || (s.Cwd is not null && project(s.Cwd)) || (s.Project is not null && project(s.Project))
                                               || (s.Repository is { } repository && project(repository)))) return false;
        if (q.Since is DateTimeOffset since && (s.LastActivity ?? s.FirstActivity) < since) return false;
        if (q.Until is DateTimeOffset until && s.FirstActivity > until) return false;
        return true;
    }

    private static bool IdMatches(string id, IReadOnlyList<string> ids) =>
        ids.Count == 0 || ids.Any(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    private readonly record struct HeadInfo(string? Cwd, string? Version, DateTimeOffset? First, DateTimeOffset? Last);

    private static HeadInfo ReadHead(SafeFileHandle file, long length)
    {
        string? cwd = null, version = null;
        DateTimeOffset? first = null, last = null;
        TranscriptWindow.Head(file, length, HeadBytes, line =>
        {
            var wanted = (cwd is null ? LineEnvelope.Fields.Cwd : 0) | (version is null ? LineEnvelope.Fields.Version : 0);
            if (!LineEnvelope.TryRead(line, wanted, out var e)) return true;
            cwd ??= e.Cwd;
            version ??= e.Version;
            if (e.Timestamp is DateTimeOffset t) { first ??= t; last = t; }
            return !(cwd is not null && version is not null && first is not null);
        });
        return new HeadInfo(cwd, version, first, last);
    }

    private static (DateTimeOffset? Last, string? Version) ReadTail(SafeFileHandle file, long length)
    {
        DateTimeOffset? last = null;
        string? version = null;
        TranscriptWindow.Tail(file, length, TailBytes, line =>
        {
            if (!LineEnvelope.TryRead(line, LineEnvelope.Fields.Version, out var e)) return true;
            if (e.Timestamp is DateTimeOffset t && (last is null || t > last)) last = t;
            version = e.Version ?? version;
            return true;
        });
        return (last, version);
    }

    /// <summary>The sessionId of the first line that has one (2.0.x flat agent files name their parent so).</summary>
    private string? ReadSessionId(string path)
    {
        if (!IsRegularFile(path)) return null;
        string? sid = null;
        try
        {
            using var file = Open(path);
            TranscriptWindow.Head(file, RandomAccess.GetLength(file), SessionIdBytes, line =>
                !(LineEnvelope.TryRead(line, LineEnvelope.Fields.SessionId, out var e) && (sid = e.SessionId) is not null));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(Unreadable(path, e));
        }
        return sid;
    }

    private List<string> SafeFiles(string dir, string pattern)
    {
        try
        {
            return Directory.EnumerateFiles(dir, pattern, new EnumerationOptions
            {
                RecurseSubdirectories = false,
                IgnoreInaccessible = false,
                AttributesToSkip = FileAttributes.None,
            }).Order(StringComparer.Ordinal).ToList();
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

    private List<string> SafeDirectories(string dir)
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
