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
    /// <summary>The branch the session worked on: the last non-default branch seen, else the last branch seen.</summary>
    public string? Branch { get; init; }
    /// <summary>Every branch the session ran on, in order of last appearance.</summary>
    public CellList<string> Branches { get; init; } = [];
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
    public override string ToString() => $"{ShortId} {Branch ?? "-"} {FirstActivity:yyyy-MM-dd HH:mm} {Project}";
}
