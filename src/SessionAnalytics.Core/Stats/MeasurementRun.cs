using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Git;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// One session being measured: takes each line once, in file order, decides whose it is (this session's, a replayed
/// history's, a repeat), and hands what it holds to the part that owns that concern; then composes their results into
/// <see cref="SessionStats"/>.
/// </summary>
internal sealed class MeasurementRun
{
    private readonly ClaudeSession _session;
    private readonly IReadOnlySet<string> _siblingSessions;
    private readonly HashSet<string> _agentsWithTranscripts;
    private readonly SeenUuids _uuids = new();
    private readonly SessionTimeline _timeline = new();
    private readonly UsageLedger _usage = new();
    private readonly ToolLedger _tools = new();
    private readonly ProblemLog _problems = new();
    private readonly CommitLog _commits = new();
    private readonly SubagentTracker _subagents = new();
    private readonly SkillWindows _skills = new();
    private readonly TestRuns _tests = new();
    private readonly CostCommandFinder _costCommand;

    public MeasurementRun(ClaudeSession session, IReadOnlySet<string> siblingSessions, IDiagnostics diagnostics)
    {
        _session = session;
        _siblingSessions = siblingSessions;
        _costCommand = new CostCommandFinder(session.TranscriptPath, diagnostics);
        _agentsWithTranscripts = session.TranscriptPaths.Select(TranscriptFile.AgentIdOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        AgentsWithTranscripts = _agentsWithTranscripts.Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
    }

    /// <summary>The agent ids of the session's subagent files, in UTF-8 for <see cref="TranscriptEnvelope"/>.</summary>
    public IReadOnlyList<byte[]> AgentsWithTranscripts { get; }

    /// <summary>
    /// Every line of the main transcript, as read (before any parse): where the output of a <c>/cost</c> command is
    /// found (<see cref="CostCommandFinder"/>; one substring search per line, a parse only for local-command lines).
    /// </summary>
    public void MainTranscriptLine(long number, ReadOnlySpan<byte> line) => _costCommand.Observe(number, line);

    /// <summary>A progress, snapshot or queue line: it counts for time and session metadata only.</summary>
    public void NonBillable(in TranscriptEnvelope line, TranscriptFileKind file)
    {
        if (file == TranscriptFileKind.Main && IsOtherSessionsHistory(line.SessionId)) return;
        _timeline.Add(line.Timestamp);
        if (file == TranscriptFileKind.Main) _timeline.Metadata(line.Cwd, line.Version, line.GitBranch);
    }

    public void Line(in TranscriptLine line)
    {
        if (line.File == TranscriptFileKind.Main && line.SessionId.ValueKind == JsonValueKind.String && !line.SessionId.ValueEquals(_session.Id)
            && IsOtherSessionsHistory(line.SessionId.GetString())) return;
        if (line.Uuid.ValueKind == JsonValueKind.String && !_uuids.Add(line.Uuid)) return;
        var time = line.Time;
        _timeline.Add(time);
        var ticks = time?.UtcTicks ?? _timeline.LastTicks;
        if (line.File == TranscriptFileKind.Main && line.Source == LineSource.Transcript) _timeline.Metadata(line.Cwd, line.Version, line.GitBranch);
        var agent = _subagents.AgentOf(line);

        if (line.TypeIs("assistant"u8)) Assistant(line, ticks, agent);
        else if (line.TypeIs("user"u8)) User(line, ticks);
        else if (line.TypeIs("system"u8) && line.IsMainThread && line.Subtype.ValueKind == JsonValueKind.String && line.Subtype.ValueEquals("compact_boundary"u8))
            _skills.CompactionBoundary(ticks);
        else if (line.TypeIs("progress"u8) && line.Data.ValueKind == JsonValueKind.Object) Replay(line);
        // Other progress lines (hook and bash progress) carry nothing billable.
    }

    /// <summary>
    /// An agent_progress line of a subagent whose own transcript is missing: the response it replays (data.message has
    /// the shape of a transcript line) is read as a line of that subagent. Replays of subagents that have their own
    /// transcript are never counted: the transcript is.
    /// </summary>
    private void Replay(in TranscriptLine line)
    {
        var data = line.Data;
        if (!(data.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("agent_progress"u8))) return;
        if (!data.TryGetProperty("agentId"u8, out var agent) || agent.ValueKind != JsonValueKind.String) return;
        if (!data.TryGetProperty("message"u8, out var replayed) || replayed.ValueKind != JsonValueKind.Object) return;
        var agentId = agent.GetString()!;
        if (_agentsWithTranscripts.Contains(agentId)) return;
        Line(new TranscriptLine(replayed, TranscriptFileKind.Subagent, agentId, LineSource.Replay, line.Errors, line.Number));
    }

    /// <summary>
    /// Resumed sessions replay earlier lines under a new file: lines of another session that has its own transcript
    /// beside this one are that session's.
    /// </summary>
    private bool IsOtherSessionsHistory(string? lineSession) =>
        lineSession is not null && lineSession != _session.Id && _siblingSessions.Contains(lineSession);

    private void Assistant(in TranscriptLine line, long ticks, string? agent)
    {
        if (line.IsApiErrorMessage)
        {
            _problems.ApiError(line.Message, ticks);
            return;
        }
        if (_usage.Add(line, agent, ticks)) _problems.ResponseSucceeded();

        var blocks = line.ContentBlocks;
        if (blocks.ValueKind != JsonValueKind.Array) return;
        foreach (var block in blocks.EnumerateArray())
        {
            if (!IsBlock(block, "tool_use"u8) || TranscriptLine.Text(Property(block, "id"u8)) is not { } id || TranscriptLine.Text(Property(block, "name"u8)) is not { } name) continue;
            if (!_tools.Use(id, name)) continue;
            var use = new ToolUse(id, name, Property(block, "input"u8), ticks);
            switch (name)
            {
                case "Task" or "Agent": _subagents.Launched(use); break;
                case "Skill": _skills.Invoked(use); break;
                case "Bash":
                    _problems.Command(use);
                    _commits.Command(use);
                    _tests.Command(use);
                    break;
            }
        }
    }

    private void User(in TranscriptLine line, long ticks)
    {
        if (line.Message.ValueKind != JsonValueKind.Object || !line.Message.TryGetProperty("content"u8, out var content)) return;
        var typed = line.IsMainThread && !line.IsMeta && !line.IsCompactSummary;
        if (content.ValueKind == JsonValueKind.String)
        {
            if (typed && SkillWindows.IsTypedPrompt(content.GetString()!)) _skills.Prompt(ticks);
            return;
        }
        if (content.ValueKind != JsonValueKind.Array) return;
        var prompt = false;
        foreach (var block in content.EnumerateArray())
        {
            if (IsBlock(block, "text"u8))
            {
                prompt |= typed && TranscriptLine.Text(Property(block, "text"u8)) is { } text && SkillWindows.IsTypedPrompt(text);
                continue;
            }
            if (!IsBlock(block, "tool_result"u8) || TranscriptLine.Text(Property(block, "tool_use_id"u8)) is not { } id) continue;
            if (!_tools.FirstResult(id)) continue;
            var result = new ToolResult(id, _tools.NameOf(id), Property(block, "is_error"u8).ValueKind == JsonValueKind.True,
                Property(block, "content"u8), line.ToolUseResult, ticks);
            switch (result.ToolName)
            {
                case "Task" or "Agent": _subagents.Finished(result, line); break;
                case "Skill": _skills.Finished(result); break;
                case "Bash": _tests.Finished(result); break;
            }
            if (_commits.IsCommitCall(id))
            {
                // Without a commit line: rejected when the call failed; a quiet success (-q) shows nothing to count.
                if (!_commits.Finished(result))
                {
                    if (result.IsError) _problems.CommitRejected(result);
                }
                else
                {
                    _problems.CommitMade();
                    // The commit happened; a later command of the chain (a push, a test run) may still have failed.
                    if (result.IsError) _problems.ToolResult(result);
                }
            }
            else _problems.ToolResult(result);
        }
        if (prompt) _skills.Prompt(ticks);
    }

    /// <param name="statusLine">The session's recorded status line figures, when there are any.</param>
    public SessionStats Build(PricingTable pricing, IDiagnostics diagnostics, StatsOptions options, ClaudeCodeFigures? statusLine = null)
    {
        // Subagents first: their final usage corrects the responses the totals are summed from.
        var subagents = _subagents.Build(_usage);
        var usage = _usage.Totals(pricing, diagnostics, _session.Id);
        var (skills, sequence, invocations) = _skills.Build(_usage.Responses, _tests.Failures());
        var time = _timeline.Build(_session, options.IdleThreshold);
        var totals = new TokenSum();
        foreach (var m in usage.Models)
            totals.Add(new ResponseTokens(m.InputTokens, m.OutputTokens, m.CacheCreationTokens - m.CacheCreation1hTokens, m.CacheCreation1hTokens, m.CacheReadTokens));

        return new SessionStats
        {
            SessionId = _session.Id,
            Project = ProjectOf(time.Cwd, diagnostics),
            Branch = time.Branch,
            StartedAt = time.StartedAt,
            EndedAt = time.EndedAt,
            DurationMinutes = time.DurationMinutes,
            ActiveMinutes = time.ActiveMinutes,
            InputTokens = totals.Input,
            OutputTokens = totals.Output,
            CacheCreationTokens = totals.CacheWrite,
            CacheReadTokens = totals.CacheRead,
            EstimatedCostUsd = Math.Round(usage.Models.Sum(m => m.CostUsd ?? 0m), 2, MidpointRounding.AwayFromZero),
            MessageCount = usage.Messages,
            Models = usage.Models,
            Tools = _tools.Build(),
            SkillsInvoked = skills,
            SkillSequence = sequence,
            SkillInvocations = invocations,
            Subagents = subagents.Rows,
            Commits = _commits.Build(),
            ProblemsFaced = _problems.Build(),
            UnpricedModels = usage.UnpricedModels,
            Cwd = time.Cwd,
            Version = time.Version,
            Branches = time.Branches,
            TranscriptPaths = _session.TranscriptPaths.Count > 0 ? _session.TranscriptPaths : [_session.TranscriptPath],
            OutputTokensLowerBound = usage.OutputLowerBound || subagents.UsageOutsideTotals,
            OutputTokensCorrection = usage.OutputCorrection,
            ClaudeCode = ClaudeCodeReport(statusLine, diagnostics),
        };
    }

    /// <summary>
    /// The design's <c>project</c>: owner/name of the <c>origin</c> remote when the session's working directory is in a
    /// clone (docs: "Finding sessions", "Project"), else the folder name discovery gave.
    /// </summary>
    private string? ProjectOf(string? cwd, IDiagnostics diagnostics)
    {
        if (GitRemote.RepositoryOf(cwd) is { } repository)
        {
            diagnostics.Verbose($"Session {_session.ShortId}: project {repository.FullName}, the origin remote of {cwd} ({repository.Host}).");
            return repository.FullName;
        }
        return _session.Project;
    }

    private ClaudeCodeReport? ClaudeCodeReport(ClaudeCodeFigures? statusLine, IDiagnostics diagnostics)
    {
        var cost = _costCommand.Latest;
        // A /cost in history replayed from another session (--resume) describes that session's process.
        if (cost?.SessionId is { } owner && owner != _session.Id && _siblingSessions.Contains(owner))
        {
            diagnostics.Verbose($"Session {_session.ShortId}: the last /cost output ({cost.Location}) belongs to session {owner}; not used.");
            cost = null;
        }
        return statusLine is null && cost is null ? null : new ClaudeCodeReport { StatusLine = statusLine, CostCommand = cost };
    }

    private static bool IsBlock(JsonElement block, ReadOnlySpan<byte> type) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals(type);

    private static JsonElement Property(JsonElement e, ReadOnlySpan<byte> name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    /// <summary>
    /// The uuids of the lines seen so far. Claude Code's uuids are lowercase GUIDs, kept here as 16-byte values: as
    /// strings they cost ~120 bytes a line, which on a 700 MB transcript (~370k lines) was the largest part of the
    /// session's memory. Any other text (upper case, other formats) is kept as it is, so equality stays ordinal.
    /// </summary>
    private sealed class SeenUuids
    {
        private readonly HashSet<Guid> _guids = [];
        private readonly HashSet<string> _other = new(StringComparer.Ordinal);

        /// <returns>false when this uuid was seen before.</returns>
        public bool Add(JsonElement uuid)
        {
            if (uuid.TryGetGuid(out var guid))
            {
                Span<byte> canonical = stackalloc byte[36];
                if (System.Buffers.Text.Utf8Formatter.TryFormat(guid, canonical, out var written, 'D') && uuid.ValueEquals(canonical[..written]))
                    return _guids.Add(guid);
            }
            return _other.Add(uuid.GetString()!);
        }
    }
}
