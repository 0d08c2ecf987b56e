using System.Text.Json;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// When the session ran and where: every line's timestamp (all transcripts), and the working directory, Claude Code
/// version and git branches of the main transcript.
/// </summary>
internal sealed class SessionTimeline
{
    private readonly List<long> _ticks = [];
    private readonly List<string> _branches = [];
    private string? _cwd, _version;

    /// <summary>The time of the latest line read so far: the time of a line that has none.</summary>
    public long LastTicks => _ticks.Count > 0 ? _ticks[^1] : 0;

    public void Add(DateTimeOffset? time)
    {
        if (time is DateTimeOffset t) _ticks.Add(t.UtcTicks);
    }

    /// <summary>Metadata of a main-transcript line; a string is made only when a value changes.</summary>
    public void Metadata(JsonElement cwd, JsonElement version, JsonElement branch)
    {
        if (_cwd is null && cwd.ValueKind == JsonValueKind.String) _cwd = cwd.GetString();
        if (version.ValueKind == JsonValueKind.String && (_version is null || !version.ValueEquals(_version))) _version = version.GetString();
        if (branch.ValueKind == JsonValueKind.String && branch.ValueEquals(""u8) is false && (_branches.Count == 0 || !branch.ValueEquals(_branches[^1])))
            Branch(branch.GetString()!);
    }

    /// <summary>Metadata of a line read by its envelope only.</summary>
    public void Metadata(string? cwd, string? version, string? branch)
    {
        _cwd ??= cwd;
        if (version is not null) _version = version;
        if (branch is { Length: > 0 } && (_branches.Count == 0 || _branches[^1] != branch)) Branch(branch);
    }

    private void Branch(string branch)
    {
        // The list is in order of last use: a branch seen again moves to the end.
        _branches.Remove(branch);
        _branches.Add(branch);
    }

    public TimelineFacts Build(ClaudeSession session, TimeSpan idleThreshold)
    {
        _ticks.Sort();
        DateTimeOffset? started = _ticks.Count > 0 ? new DateTimeOffset(_ticks[0], TimeSpan.Zero) : null;
        DateTimeOffset? ended = _ticks.Count > 0 ? new DateTimeOffset(_ticks[^1], TimeSpan.Zero) : null;
        long activeTicks = 0;
        for (var i = 1; i < _ticks.Count; i++)
        {
            var gap = _ticks[i] - _ticks[i - 1];
            if (gap <= idleThreshold.Ticks) activeTicks += gap;
        }
        return new TimelineFacts(
            started,
            ended,
            started is null ? 0 : (int)Math.Round((ended!.Value - started.Value).TotalMinutes, MidpointRounding.AwayFromZero),
            (int)Math.Round(TimeSpan.FromTicks(activeTicks).TotalMinutes, MidpointRounding.AwayFromZero),
            session.Cwd ?? _cwd,
            _version ?? session.Version,
            session.Branch ?? BranchRule.Choose(_branches),
            session.Branches.Count > 0 ? session.Branches : _branches);
    }
}

internal sealed record TimelineFacts(DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int DurationMinutes, int ActiveMinutes,
    string? Cwd, string? Version, string? Branch, IReadOnlyList<string> Branches);
