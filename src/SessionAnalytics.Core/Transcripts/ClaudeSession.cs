using SessionAnalytics.Core.Git;
using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Core.Transcripts;

/// <summary>A Claude Code session found on disk: what discovery reads cheaply, without parsing whole transcripts.</summary>
public sealed class ClaudeSession
{
    /// <summary>The session id: the transcript's file name without .jsonl (a UUID for every Claude Code version).</summary>
    public required string Id { get; init; }
    public string ShortId => Id.Length > 8 ? Id[..8] : Id;
    /// <summary>The project's working directory as Claude Code recorded it (cwd), else the decoded directory name.</summary>
    public string? Project { get; init; }
    /// <summary>The encoded directory under projects/, e.g. -home-dev-spotter.</summary>
    public required string ProjectDirectory { get; init; }
    public string? Cwd { get; init; }
    private string? _repository;
    private bool _repositoryRead;

    /// <summary>
    /// owner/name of the <c>origin</c> remote of the repository <see cref="Cwd"/> is in, when that directory is a clone
    /// on this machine; else null. Read from the git configuration (no git process) on first use: -Project matches it,
    /// and the measured session's <c>project</c> is it.
    /// </summary>
    public string? Repository
    {
        get
        {
            if (!_repositoryRead)
            {
                _repository = GitRemote.RepositoryOf(Cwd)?.FullName;
                _repositoryRead = true;
            }
            return _repository;
        }
    }
    private string? _branch;
    private bool _branchGiven;
    private CellList<string>? _branches;
    private Func<IReadOnlyList<string>>? _branchSource;

    /// <summary>The branch the session worked on: the last non-default branch seen, else the last branch seen.</summary>
    public string? Branch
    {
        get => _branchGiven ? _branch : BranchRule.Choose(Branches);
        init { _branch = value; _branchGiven = true; }
    }

    /// <summary>
    /// Every branch the main transcript names, in order of last appearance. Discovery reads them from the whole file
    /// only when asked (-Branch, or the first time this is read): measuring a session never needs them, because the
    /// calculator collects branches from the lines it parses anyway.
    /// </summary>
    public CellList<string> Branches
    {
        get => _branches ?? LazyInitializer.EnsureInitialized(ref _branches, () => new CellList<string>(_branchSource?.Invoke() ?? []));
        init => _branches = value;
    }

    /// <summary>Where <see cref="Branches"/> come from when not given: a scan of the main transcript.</summary>
    internal Func<IReadOnlyList<string>>? BranchSource { init => _branchSource = value; }
    public DateTimeOffset? FirstActivity { get; init; }
    public DateTimeOffset? LastActivity { get; init; }
    public string? Version { get; init; }
    /// <summary>The main transcript.</summary>
    public required string TranscriptPath { get; init; }
    /// <summary>The main transcript followed by every subagent and compaction transcript of the session.</summary>
    public CellList<string> TranscriptPaths { get; init; } = [];
    public CellList<string> SubagentFiles { get; init; } = [];
    /// <summary>Bytes of all transcripts of the session.</summary>
    public long SizeBytes { get; init; }
    /// <summary>The config directory the session was found under (…/.claude), when known.</summary>
    public string? ConfigDirectory { get; init; }
    /// <summary>
    /// This session without discovery's branches, for measuring: the calculator then takes the branches from the lines
    /// it parses (the main transcript is read in full anyway) instead of triggering a second whole-file read.
    /// </summary>
    public ClaudeSession WithoutBranches() => new()
    {
        Id = Id,
        Project = Project,
        ProjectDirectory = ProjectDirectory,
        Cwd = Cwd,
        Branch = null,
        Branches = [],
        FirstActivity = FirstActivity,
        LastActivity = LastActivity,
        Version = Version,
        TranscriptPath = TranscriptPath,
        TranscriptPaths = TranscriptPaths,
        SubagentFiles = SubagentFiles,
        SizeBytes = SizeBytes,
        ConfigDirectory = ConfigDirectory,
    };

    public override string ToString() => $"{ShortId} {Branch ?? "-"} {FirstActivity:yyyy-MM-dd HH:mm} {Project}";
}
