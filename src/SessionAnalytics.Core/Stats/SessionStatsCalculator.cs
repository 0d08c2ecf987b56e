using System.Text.Json;
using System.Text.RegularExpressions;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Measures one session from all its transcripts (main thread, subagents, compaction calls) in one streaming pass per
/// file. The accounting contract (docs/about_SessionAnalytics.md, "Accounting") in short:
/// usage comes from assistant lines, de-duplicated by (message.id, requestId) keeping the largest token total; lines
/// seen before (same uuid) are skipped; agent_progress replays are never counted; each response is priced with its
/// own model.
/// </summary>
public sealed partial class SessionStatsCalculator(PricingTable pricing, IDiagnostics diagnostics, StatsOptions? options = null)
{
    private readonly StatsOptions _options = options ?? StatsOptions.Default;

    public SessionStats Calculate(ClaudeSession session, CancellationToken cancellation = default)
    {
        var run = new Accumulator(session.Id, TranscriptFile.SiblingSessionIds(session.TranscriptPath));
        var files = session.TranscriptPaths.Count > 0 ? session.TranscriptPaths : [session.TranscriptPath];
        foreach (var path in files)
        {
            cancellation.ThrowIfCancellationRequested();
            var kind = TranscriptFile.KindOf(path, session.TranscriptPath);
            ReadFile(run, path, kind, cancellation);
        }
        return run.Build(session, pricing, diagnostics, _options);
    }

    private void ReadFile(Accumulator run, string path, TranscriptFileKind kind, CancellationToken cancellation)
    {
        var fileAgent = kind == TranscriptFileKind.Main ? null : TranscriptFile.AgentIdOf(path);
        int badLines = 0;
        TranscriptLines.Read(path, (lineNumber, line) =>
        {
            // The JSON reader does not validate every string's UTF-8; a line that is not UTF-8 is corrupt, not data.
            if (!System.Text.Unicode.Utf8.IsValid(line.Span))
            {
                if (++badLines <= _options.MaxReportedBadLinesPerFile)
                    diagnostics.Error(new EngineError("TranscriptLineNotUtf8", ErrorKind.InvalidData,
                        $"{path}:{lineNumber}: not valid UTF-8; the line is skipped, the rest of the session is kept.", $"{path}:{lineNumber}"));
                return;
            }
            if (TranscriptEnvelope.TryReadNonBillable(line.Span, out var envelope))
            {
                run.NonBillable(envelope, kind);
                return;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                if (++badLines <= _options.MaxReportedBadLinesPerFile)
                    diagnostics.Error(new EngineError("TranscriptLineMalformed", ErrorKind.InvalidData,
                        $"{path}:{lineNumber}: not a JSON object ({e.Message}); the line is skipped, the rest of the session is kept.",
                        $"{path}:{lineNumber}", e));
                return;
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    if (++badLines <= _options.MaxReportedBadLinesPerFile)
                        diagnostics.Error(new EngineError("TranscriptLineMalformed", ErrorKind.InvalidData,
                            $"{path}:{lineNumber}: a JSON {doc.RootElement.ValueKind}, not an object; the line is skipped.", $"{path}:{lineNumber}"));
                    return;
                }
                run.Line(doc.RootElement, kind, fileAgent);
            }
        }, diagnostics, cancellation);
        if (badLines > _options.MaxReportedBadLinesPerFile)
            diagnostics.Warning($"{path}: {badLines} malformed lines in all, {badLines - _options.MaxReportedBadLinesPerFile} more than reported were skipped.");
    }

    [GeneratedRegex(@"^\[(?<branch>[^\]\r\n]+?)(?: \(root-commit\))? (?<sha>[0-9a-f]{7,40})\] (?<subject>[^\r\n]*)$", RegexOptions.Multiline)]
    internal static partial Regex CommitLine();

    [GeneratedRegex(@"\bgit\b(?:\s+-[Cc]\s+\S+|\s+--?[\w-]+(?:=\S+)?)*\s+commit\b")]
    internal static partial Regex GitCommitCommand();

    private enum ProblemKind { ToolError, CommitFailed, ApiError }

    private sealed record ResponseRecord(string Model, ResponseTokens Tokens, long Ticks, string? Agent, bool Sidechain);

    private sealed record TaskLaunch(string ToolUseId, string? Type, string? Description, string? Model, long Ticks);

    private sealed class TaskResult
    {
        public string? AgentId;
        public long? TotalTokens, DurationMs;
        public int? ToolUses;
        public ResponseTokens? Usage;
        public bool Failed;
    }

    private sealed record SkillCall(string ToolUseId, string Skill, long Ticks);

    private sealed class ProblemGroup(ProblemKind kind, string description, long firstTicks)
    {
        public ProblemKind Kind = kind;
        public string Description = description;
        public long FirstTicks = firstTicks;
        public int Failures;
        public bool Resolved;
    }

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

    /// <summary>Everything collected from the lines of one session, then turned into <see cref="SessionStats"/>.</summary>
    private sealed class Accumulator(string sessionId, IReadOnlySet<string> siblingSessions)
    {
        private readonly SeenUuids _uuids = new();
        // Strings kept once per response or tool call (model ids, tool names) share one instance per value.
        private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);
        private readonly Dictionary<(string MessageId, string RequestId), ResponseRecord> _responses = [];
        private readonly List<ResponseRecord> _unkeyedResponses = [];
        private readonly HashSet<string> _toolUseIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _toolResultIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _tools = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _bashSignatures = new(StringComparer.Ordinal);
        private readonly HashSet<string> _commitCalls = new(StringComparer.Ordinal);
        private readonly List<TaskLaunch> _tasks = [];
        private readonly Dictionary<string, TaskResult> _taskResults = new(StringComparer.Ordinal);
        private readonly List<SkillCall> _skills = [];
        private readonly Dictionary<string, bool> _skillFailed = new(StringComparer.Ordinal);
        private readonly List<CommitRecord> _commits = [];
        private readonly HashSet<string> _commitShas = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ProblemGroup> _problems = new(StringComparer.Ordinal);
        private readonly List<long> _promptTicks = [];
        private readonly List<long> _timestamps = [];
        private readonly List<string> _branches = [];
        private readonly HashSet<string> _agentFiles = new(StringComparer.Ordinal);
        private string? _cwd, _version;

        /// <summary>A progress, snapshot or queue line: it counts for time and session metadata only.</summary>
        public void NonBillable(TranscriptEnvelope line, TranscriptFileKind fileKind)
        {
            if (IsReplay(line.SessionId, fileKind)) return;
            if (line.Timestamp is DateTimeOffset t) _timestamps.Add(t.UtcTicks);
            Metadata(fileKind, line.Cwd, line.Version, line.GitBranch);
        }

        public void Line(JsonElement line, TranscriptFileKind fileKind, string? fileAgent)
        {
            var type = line.Str("type");
            if (IsReplay(line.Str("sessionId"), fileKind)) return;
            if (line.TryGetProperty("uuid", out var uuid) && uuid.ValueKind == JsonValueKind.String && !_uuids.Add(uuid)) return;
            var ts = line.Timestamp();
            if (ts is DateTimeOffset t) _timestamps.Add(t.UtcTicks);
            long ticks = ts?.UtcTicks ?? (_timestamps.Count > 0 ? _timestamps[^1] : 0);
            Metadata(fileKind, line.Str("cwd"), line.Str("version"), line.Str("gitBranch"));
            var agent = fileAgent ?? (line.Str("agentId") is { Length: > 0 } a && line.True("isSidechain") ? a : null);
            if (fileAgent is not null) _agentFiles.Add(fileAgent);

            switch (type)
            {
                case "assistant":
                    Assistant(line, ticks, agent, line.True("isSidechain"));
                    break;
                case "user":
                    User(line, ticks, fileKind == TranscriptFileKind.Main && !line.True("isSidechain"));
                    break;
                // "progress" lines (agent_progress replays subagent responses inside the parent file; hook and bash
                // progress carry nothing billable) are never counted: the subagent's own file or lines are.
            }
        }

        /// <summary>
        /// Resumed sessions replay earlier lines under a new file: lines of another session that has its own transcript
        /// beside this one are that session's.
        /// </summary>
        private bool IsReplay(string? lineSession, TranscriptFileKind fileKind) =>
            fileKind == TranscriptFileKind.Main && lineSession is not null && lineSession != sessionId && siblingSessions.Contains(lineSession);

        private void Metadata(TranscriptFileKind fileKind, string? cwd, string? version, string? branch)
        {
            if (fileKind != TranscriptFileKind.Main) return;
            _cwd ??= cwd;
            if (version is not null) _version = version;
            if (branch is { Length: > 0 } && (_branches.Count == 0 || _branches[^1] != branch))
            {
                _branches.Remove(branch);
                _branches.Add(branch);
            }
        }

        private void Assistant(JsonElement line, long ticks, string? agent, bool sidechain)
        {
            var message = line.Obj("message");
            if (line.True("isApiErrorMessage"))
            {
                var text = TranscriptText.FirstLine(TranscriptText.ContentText(message.TryGetProperty("content", out var c) ? c : default), 120);
                Fail(ProblemKind.ApiError, "api:" + ApiErrorKey(text), $"API error: {text}", ticks);
                return;
            }
            var model = message.Str("model");
            var usage = message.Obj("usage");
            if (model is not null && usage.ValueKind == JsonValueKind.Object && model != "<synthetic>")
            {
                var cacheWrite = usage.Long("cache_creation_input_tokens");
                var split = usage.Obj("cache_creation");
                var write1h = Math.Min(split.Long("ephemeral_1h_input_tokens"), cacheWrite);
                var tokens = new ResponseTokens(usage.Long("input_tokens"), usage.Long("output_tokens"), cacheWrite - write1h, write1h, usage.Long("cache_read_input_tokens"));
                var record = new ResponseRecord(Shared(model), tokens, ticks, agent, sidechain);
                if (message.Str("id") is string messageId && line.Str("requestId") is string requestId)
                {
                    var key = (messageId, requestId);
                    if (!_responses.TryGetValue(key, out var existing))
                        _responses[key] = record;
                    else if (tokens.Total > existing.Tokens.Total)
                        _responses[key] = record with { Ticks = Math.Min(existing.Ticks, ticks) };
                }
                else _unkeyedResponses.Add(record);
                // A successful response after API errors means the errors were overcome.
                ResolveAll(ProblemKind.ApiError);
            }

            if (!message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array) return;
            foreach (var block in content.EnumerateArray())
            {
                if (block.Str("type") != "tool_use" || block.Str("id") is not string id || block.Str("name") is not string name) continue;
                if (!_toolUseIds.Add(id)) continue;
                _tools[name] = _tools.GetValueOrDefault(name) + 1;
                _toolNames[id] = Shared(name);
                var input = block.Obj("input");
                switch (name)
                {
                    case "Task" or "Agent":
                        _tasks.Add(new TaskLaunch(id, input.Str("subagent_type"), input.Str("description"), input.Str("model"), ticks));
                        break;
                    case "Skill":
                        if (input.Str("skill") is { Length: > 0 } skill) _skills.Add(new SkillCall(id, skill, ticks));
                        break;
                    case "Bash":
                        if (input.Str("command") is string command)
                        {
                            _bashSignatures[id] = BashSignature(command);
                            if (GitCommitCommand().IsMatch(command)) _commitCalls.Add(id);
                        }
                        break;
                }
            }
        }

        private void User(JsonElement line, long ticks, bool mainThread)
        {
            var message = line.Obj("message");
            if (!message.TryGetProperty("content", out var content)) return;
            if (content.ValueKind == JsonValueKind.String)
            {
                if (mainThread && !line.True("isMeta") && !line.True("isCompactSummary")) _promptTicks.Add(ticks);
                return;
            }
            if (content.ValueKind != JsonValueKind.Array) return;
            bool prompt = false;
            foreach (var block in content.EnumerateArray())
            {
                var blockType = block.Str("type");
                if (blockType == "text") { prompt = true; continue; }
                if (blockType != "tool_result" || block.Str("tool_use_id") is not string id) continue;
                if (!_toolResultIds.Add(_toolUseIds.TryGetValue(id, out var known) ? known : id)) continue;
                ToolResult(line, block, id, ticks);
            }
            if (prompt && mainThread && !line.True("isMeta") && !line.True("isCompactSummary")) _promptTicks.Add(ticks);
        }

        private void ToolResult(JsonElement line, JsonElement block, string toolUseId, long ticks)
        {
            var isError = block.True("is_error");
            var toolName = _toolNames.GetValueOrDefault(toolUseId);
            var result = line.Obj("toolUseResult");
            switch (toolName)
            {
                case "Task" or "Agent":
                    var usage = result.Obj("usage");
                    _taskResults[toolUseId] = new TaskResult
                    {
                        AgentId = result.Str("agentId"),
                        TotalTokens = result.LongOrNull("totalTokens"),
                        DurationMs = result.LongOrNull("totalDurationMs"),
                        ToolUses = result.LongOrNull("totalToolUseCount") is long n ? (int)n : null,
                        Usage = usage.ValueKind == JsonValueKind.Object
                            ? new ResponseTokens(usage.Long("input_tokens"), usage.Long("output_tokens"),
                                usage.Long("cache_creation_input_tokens"), 0, usage.Long("cache_read_input_tokens"))
                            : null,
                        Failed = isError,
                    };
                    break;
                case "Skill":
                    _skillFailed[toolUseId] = isError || result.False("success");
                    break;
            }

            if (_commitCalls.Contains(toolUseId))
            {
                var text = TranscriptText.ContentText(block.TryGetProperty("content", out var c) ? c : default);
                var match = isError ? Match.Empty : CommitLine().Match(text);
                if (match.Success)
                {
                    var sha = match.Groups["sha"].Value;
                    if (_commitShas.Add(sha))
                        _commits.Add(new CommitRecord { Sha = sha, Message = SecretRedactor.Redact(match.Groups["subject"].Value.Trim()) ?? "", Branch = match.Groups["branch"].Value });
                    Resolve("commit");
                }
                else Fail(ProblemKind.CommitFailed, "commit", "git commit rejected: " + TranscriptText.FirstLine(StripErrorPrefix(text), 120), ticks);
                return;
            }

            if (toolName is null) return;
            var key = "tool:" + toolName + ":" + _bashSignatures.GetValueOrDefault(toolUseId, "");
            if (isError)
            {
                var text = TranscriptText.ContentText(block.TryGetProperty("content", out var c) ? c : default);
                if (IsUserRejection(text)) return;
                var what = _bashSignatures.TryGetValue(toolUseId, out var sig) ? $"Bash '{SecretRedactor.Redact(sig)}'" : toolName;
                Fail(ProblemKind.ToolError, key, $"{what} failed: {TranscriptText.FirstLine(StripErrorPrefix(text), 120)}", ticks);
            }
            else Resolve(key);
        }

        private string Shared(string value)
        {
            if (_shared.TryGetValue(value, out var existing)) return existing;
            _shared[value] = value;
            return value;
        }

        private void Fail(ProblemKind kind, string key, string description, long ticks)
        {
            if (!_problems.TryGetValue(key, out var group))
                _problems[key] = group = new ProblemGroup(kind, description, ticks);
            group.Failures++;
            group.Resolved = false;
        }

        private void Resolve(string key)
        {
            if (_problems.TryGetValue(key, out var group)) group.Resolved = true;
        }

        private void ResolveAll(ProblemKind kind)
        {
            foreach (var g in _problems.Values)
                if (g.Kind == kind) g.Resolved = true;
        }

        public SessionStats Build(ClaudeSession session, PricingTable pricing, IDiagnostics diagnostics, StatsOptions options)
        {
            var responses = _responses.Values.Concat(_unkeyedResponses).ToList();

            // Per model, each response priced on its own (tiers and 1-hour writes are per response).
            var unpriced = new SortedSet<string>(StringComparer.Ordinal);
            var models = responses.GroupBy(r => r.Model, StringComparer.Ordinal).Select(g =>
            {
                decimal? cost = 0m;
                foreach (var r in g)
                {
                    var c = pricing.Cost(g.Key, r.Tokens);
                    if (c is null) { cost = null; break; }
                    cost += c;
                }
                if (cost is null) unpriced.Add(g.Key);
                return new ModelUsage
                {
                    Model = g.Key,
                    Messages = g.Count(),
                    InputTokens = g.Sum(r => r.Tokens.Input),
                    OutputTokens = g.Sum(r => r.Tokens.Output),
                    CacheCreationTokens = g.Sum(r => r.Tokens.CacheWrite),
                    CacheCreation1hTokens = g.Sum(r => r.Tokens.CacheWrite1h),
                    CacheReadTokens = g.Sum(r => r.Tokens.CacheRead),
                    CostUsd = cost,
                };
            }).OrderByDescending(m => m.CostUsd ?? -1m).ThenByDescending(m => m.TotalTokens).ThenBy(m => m.Model, StringComparer.Ordinal).ToList();
            foreach (var m in unpriced)
                diagnostics.Warning($"Session {sessionId}: model '{m}' has no known price; its tokens are counted but no cost is estimated. Add it with -PricingFile.");

            _timestamps.Sort();
            DateTimeOffset? started = _timestamps.Count > 0 ? new DateTimeOffset(_timestamps[0], TimeSpan.Zero) : null;
            DateTimeOffset? ended = _timestamps.Count > 0 ? new DateTimeOffset(_timestamps[^1], TimeSpan.Zero) : null;
            long activeTicks = 0;
            for (var i = 1; i < _timestamps.Count; i++)
            {
                var gap = _timestamps[i] - _timestamps[i - 1];
                if (gap <= options.IdleThreshold.Ticks) activeTicks += gap;
            }

            return new SessionStats
            {
                SessionId = sessionId,
                Project = session.Project,
                Branch = session.Branch ?? BranchRule.Choose(_branches),
                StartedAt = started,
                EndedAt = ended,
                DurationMinutes = started is null ? 0 : (int)Math.Round((ended!.Value - started.Value).TotalMinutes, MidpointRounding.AwayFromZero),
                ActiveMinutes = (int)Math.Round(TimeSpan.FromTicks(activeTicks).TotalMinutes, MidpointRounding.AwayFromZero),
                InputTokens = models.Sum(m => m.InputTokens),
                OutputTokens = models.Sum(m => m.OutputTokens),
                CacheCreationTokens = models.Sum(m => m.CacheCreationTokens),
                CacheReadTokens = models.Sum(m => m.CacheReadTokens),
                EstimatedCostUsd = Math.Round(models.Sum(m => m.CostUsd ?? 0m), 2, MidpointRounding.AwayFromZero),
                MessageCount = responses.Count,
                Models = models,
                Tools = _tools.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value),
                SkillsInvoked = SkillUsages(responses),
                SkillSequence = _skills.OrderBy(s => s.Ticks).Select(s => s.Skill).ToList(),
                Subagents = Subagents(responses),
                Commits = _commits,
                ProblemsFaced = _problems.Values.OrderBy(p => p.FirstTicks).Select(p => new ProblemRecord
                {
                    Description = p.Description,
                    Resolved = p.Resolved,
                    Iterations = p.Failures,
                    Kind = p.Kind switch { ProblemKind.CommitFailed => "commit_failed", ProblemKind.ApiError => "api_error", _ => "tool_error" },
                }).ToList(),
                UnpricedModels = unpriced.ToList(),
                Cwd = session.Cwd ?? _cwd,
                Version = _version ?? session.Version,
                Branches = session.Branches.Count > 0 ? session.Branches : _branches,
                TranscriptPaths = session.TranscriptPaths.Count > 0 ? session.TranscriptPaths : [session.TranscriptPath],
            };
        }

        /// <summary>
        /// Attribution window: a skill owns the responses from its invocation until the next skill invocation or the
        /// next prompt typed by the user, whichever comes first (subagents launched inside the window included).
        /// </summary>
        private List<SkillUsage> SkillUsages(List<ResponseRecord> responses)
        {
            var calls = _skills.OrderBy(s => s.Ticks).ToList();
            var tokens = new Dictionary<string, (long In, long Out)>(StringComparer.Ordinal);
            if (calls.Count > 0)
            {
                _promptTicks.Sort();
                var starts = calls.Select(c => c.Ticks).ToArray();
                foreach (var r in responses)
                {
                    var i = Array.BinarySearch(starts, r.Ticks);
                    if (i < 0) i = ~i - 1;
                    else while (i + 1 < starts.Length && starts[i + 1] == r.Ticks) i++;
                    if (i < 0) continue;
                    var windowStart = starts[i];
                    // A prompt between the invocation and the response closes the window.
                    var p = _promptTicks.BinarySearch(windowStart + 1);
                    if (p < 0) p = ~p;
                    if (p < _promptTicks.Count && _promptTicks[p] <= r.Ticks) continue;
                    var skill = calls[i].Skill;
                    var (tin, tout) = tokens.GetValueOrDefault(skill);
                    tokens[skill] = (tin + r.Tokens.Input, tout + r.Tokens.Output);
                }
            }
            return calls.GroupBy(c => c.Skill, StringComparer.Ordinal).Select(g =>
            {
                var failures = g.Count(c => _skillFailed.GetValueOrDefault(c.ToolUseId));
                var lastFailed = _skillFailed.GetValueOrDefault(g.Last().ToolUseId);
                var (tin, tout) = tokens.GetValueOrDefault(g.Key);
                return new SkillUsage
                {
                    Skill = g.Key,
                    Count = g.Count(),
                    Status = failures == 0 ? "pass" : lastFailed ? "fail" : "partial",
                    InputTokens = tin,
                    OutputTokens = tout,
                };
            }).ToList();
        }

        private List<SubagentUsage> Subagents(List<ResponseRecord> responses)
        {
            var byAgent = responses.Where(r => r.Agent is not null && !TranscriptFile.IsCompactionAgent(r.Agent))
                .GroupBy(r => r.Agent!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var inlineSidechain = responses.Where(r => r.Agent is null && r.Sidechain).ToList();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var result = new List<SubagentUsage>();

            // Launches whose result names no agent (the session ended mid-task, or older versions) take the
            // unclaimed subagent transcripts in chronological order.
            var claimed = _taskResults.Values.Select(r => r.AgentId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            var unclaimed = new Queue<string>(byAgent.Where(a => !claimed.Contains(a.Key)).OrderBy(a => a.Value.Min(r => r.Ticks)).Select(a => a.Key));
            foreach (var task in _tasks.OrderBy(t => t.Ticks))
            {
                _taskResults.TryGetValue(task.ToolUseId, out var tr);
                var agentId = tr?.AgentId;
                if (agentId is null && unclaimed.Count > 0 && byAgent[unclaimed.Peek()].Min(r => r.Ticks) >= task.Ticks) agentId = unclaimed.Dequeue();
                var own = agentId is not null && byAgent.TryGetValue(agentId, out var list) ? list : null;
                if (agentId is not null) listed.Add(agentId);
                var model = MainModel(own) ?? task.Model ?? (own is null ? MainModel(inlineSidechain) : null);
                if (tr?.Usage is ResponseTokens u)
                    result.Add(new SubagentUsage
                    {
                        Id = agentId ?? ShortToolId(task.ToolUseId), Type = task.Type ?? "general-purpose", Model = model, Description = task.Description,
                        InputTokens = u.Input, OutputTokens = u.Output, CacheCreationTokens = u.CacheWrite, CacheReadTokens = u.CacheRead,
                        TotalTokens = tr.TotalTokens, DurationMs = tr.DurationMs, ToolUseCount = tr.ToolUses, Source = "tool_result",
                    });
                else
                    result.Add(FromTranscript(agentId ?? ShortToolId(task.ToolUseId), task.Type ?? "general-purpose", task.Description, model, own ?? [], tr));
            }
            // Subagent files whose launch is not in the transcripts (e.g. the parent was truncated).
            foreach (var (agentId, list) in byAgent)
                if (!listed.Contains(agentId))
                    result.Add(FromTranscript(agentId, null, null, MainModel(list), list, null));
            return result;
        }

        private static SubagentUsage FromTranscript(string id, string? type, string? description, string? model, List<ResponseRecord> own, TaskResult? tr) => new()
        {
            Id = id, Type = type, Description = description, Model = model,
            InputTokens = own.Sum(r => r.Tokens.Input), OutputTokens = own.Sum(r => r.Tokens.Output),
            CacheCreationTokens = own.Sum(r => r.Tokens.CacheWrite), CacheReadTokens = own.Sum(r => r.Tokens.CacheRead),
            TotalTokens = tr?.TotalTokens, DurationMs = tr?.DurationMs, ToolUseCount = tr?.ToolUses, Source = "transcript",
        };

        private static string? MainModel(List<ResponseRecord>? responses) =>
            responses is null || responses.Count == 0 ? null
                : responses.GroupBy(r => r.Model).OrderByDescending(g => g.Sum(r => r.Tokens.Total)).First().Key;

        private static string ShortToolId(string toolUseId) => toolUseId.Length > 12 ? toolUseId[^8..] : toolUseId;

        /// <summary>The first two words of a command (after env assignments and cd prefixes): "mix test", "git push".</summary>
        internal static string BashSignature(string command)
        {
            var last = command.Split(["&&", ";", "\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(p => !p.StartsWith("cd ", StringComparison.Ordinal)).FirstOrDefault() ?? command.Trim();
            var words = last.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.Contains('=') || w.StartsWith('-')).Take(2);
            return string.Join(' ', words);
        }

        private static bool IsUserRejection(string text) =>
            text.StartsWith("The user doesn't want to proceed", StringComparison.Ordinal) ||
            text.StartsWith("[Request interrupted", StringComparison.Ordinal) ||
            text.Contains("user rejected", StringComparison.OrdinalIgnoreCase);

        private static string StripErrorPrefix(string text) =>
            text.StartsWith("Error: ", StringComparison.Ordinal) ? text[7..] : text;

        private static string ApiErrorKey(string text)
        {
            var m = Regex.Match(text, @"\b[45]\d\d\b");
            return m.Success ? m.Value : TranscriptText.FirstLine(text, 40);
        }
    }
}
