using System.Text.Json;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

public enum Layout { V21, V20 }

/// <summary>What one generated session looks like before it is written.</summary>
public sealed class SessionPlan
{
    public required string SessionId { get; init; }
    /// <summary>Full path of the project directory (…/projects/-home-dev-name).</summary>
    public required string ProjectDirectory { get; init; }
    public required string Cwd { get; init; }
    public required Layout Layout { get; init; }
    public required string MainModel { get; init; }
    public required bool OneHourCache { get; init; }
    /// <summary>The main transcript grows until it has at least this many bytes; subagent files come on top.</summary>
    public required long TargetBytes { get; init; }
    /// <summary>The largest tool-result line this session may write.</summary>
    public required long MaxLargeLineBytes { get; init; }
    public required IReadOnlyList<string> Branches { get; init; }
    public required DateTime Start { get; init; }
    /// <summary>The first turn launches a Task subagent, so the session surely has a subagent file of its layout.</summary>
    public bool EarlyTask { get; init; }
    public string Version => Layout == Layout.V21 ? "2.1.39" : "2.0.76";
}

/// <summary>
/// Writes one session the way Claude Code does: a main transcript of user prompts, assistant responses written one
/// line per content block (sharing message.id and requestId, placeholder output_tokens on all but the last line),
/// hook and bash progress lines, tool_use/tool_result pairs with toolUseResult payloads, Task subagents in their own
/// files (replayed into the parent as agent_progress lines in 2.1.x), Skill calls that switch the model, git commits
/// that succeed or are rejected by pre-commit hooks, API errors, and compaction calls in agent-acompact-* files.
/// Records the exact expected totals while writing.
/// </summary>
public sealed class SessionSimulator
{
    public const string Opus = "claude-opus-4-6";
    public const string Sonnet = "claude-sonnet-4-5-20250929";
    public const string Haiku = "claude-haiku-4-5-20251001";

    private static readonly string[] Skills =
    [
        "superpowers:brainstorming", "superpowers:writing-plans", "superpowers:test-driven-development",
        "elixir:hex-docs-search", "code-review:review", "commit-commands:commit",
    ];
    private static readonly string[] BashCommands =
    [
        "mix test", "mix compile --warnings-as-errors", "git status", "git diff --stat", "dotnet build", "npm test",
        "ls -la lib/", "bd ready", "rg -n TODO lib", "git log --oneline -5", "mix format --check-formatted", "cat README.md",
    ];
    private static readonly string[] HookFailures =
    [
        "Pre-commit validation failed:\n\n[FORMAT] Code is not formatted.\nRun 'mix format' to fix.\n\nFix these issues before committing.",
        "husky - pre-commit hook exited with code 1 (error)\n✖ eslint --fix found 3 problems",
        "[CREDO] 2 issues found:\n  lib/app/worker.ex:12 Modules should have a @moduledoc tag.\nFix these issues before committing.",
    ];
    private static readonly (string Tool, int Weight)[] MainTools =
    [
        ("Read", 30), ("Bash", 22), ("Edit", 15), ("Grep", 10), ("Glob", 5), ("Write", 3), ("Commit", 5), ("Task", 5), ("Skill", 3),
    ];
    private static readonly (string Tool, int Weight)[] SubagentTools = [("Read", 40), ("Grep", 25), ("Glob", 15), ("Bash", 20)];

    private readonly SessionPlan _plan;
    private readonly Entropy _rng;
    private readonly TextPool _text;
    private readonly ExpectedSession _expected;
    private readonly string _configDirectory;
    private readonly List<(string Path, long Bytes, long Lines, long LargestLine)> _closed = [];
    private readonly HashSet<string> _shas = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedAgentIds;
    private JsonlFile _main = null!;
    private DateTime _clock;
    private long _context;
    private long _compactAt;
    private long _lastLargeAt;
    private long _largeEvery;
    private int _branch;
    private bool _earlyTaskDone;

    /// <param name="usedAgentIds">Agent ids taken so far in the corpus: short random ids collide among thousands of
    /// subagents, and a second file under the same name would silently replace the first.</param>
    public SessionSimulator(SessionPlan plan, Entropy rng, TextPool text, string configDirectory, HashSet<string> usedAgentIds)
    {
        _usedAgentIds = usedAgentIds;
        _plan = plan;
        _rng = rng;
        _text = text;
        _configDirectory = configDirectory;
        _expected = new ExpectedSession
        {
            SessionId = plan.SessionId,
            ProjectDirectory = Path.GetFileName(plan.ProjectDirectory),
            Layout = plan.Layout == Layout.V21 ? "2.1.x" : "2.0.x",
            Version = plan.Version,
        };
    }

    /// <summary>Bytes and lines of every file, and the largest line, once <see cref="Run"/> has finished.</summary>
    public IReadOnlyList<(string Path, long Bytes, long Lines, long LargestLine)> FileStats { get; private set; } = [];

    public ExpectedSession Run()
    {
        _clock = _plan.Start;
        _compactAt = _rng.NextLong(140_000, 175_000);
        _largeEvery = _rng.LogUniform(2 << 20, 8 << 20);
        var context = NewContext(null);
        _main = Open(Path.Combine(_plan.ProjectDirectory, _plan.SessionId + ".jsonl"), context);
        try
        {
            var startHook = _rng.Uuid();
            Hook(_main, "SessionStart", "SessionStart:startup", "~/.claude/hooks/session-start.sh", startHook, useNullParent: true);
            while (_main.Bytes < _plan.TargetBytes) Turn();
        }
        finally
        {
            Close(_main);
        }
        FileStats = _closed;
        _expected.Bytes = FileStats.Sum(f => f.Bytes);
        return _expected;
    }

    private LineContext NewContext(string? agentId) => new()
    {
        SessionId = _plan.SessionId,
        Cwd = _plan.Cwd,
        Version = _plan.Version,
        GitBranch = _plan.Branches[_branch],
        Slug = _plan.Layout == Layout.V21 ? "bench-" + _plan.SessionId[..8] : null,
        AgentId = agentId,
    };

    /// <summary>Subagent and compaction files are closed as soon as their call ends: a long session has thousands.</summary>
    private JsonlFile Open(string path, LineContext context, int bufferSize = 1 << 20)
    {
        var file = new JsonlFile(path, context, bufferSize);
        _expected.Files.Add(Path.GetRelativePath(_configDirectory, path).Replace('\\', '/'));
        return file;
    }

    private void Close(JsonlFile file)
    {
        file.Dispose();
        _closed.Add((file.FilePath, file.Bytes, file.Lines, file.LargestLine));
    }

    private void Tick(int minMs, int maxMs) => _clock = _clock.AddMilliseconds(_rng.Next(minMs, maxMs));

    // ---------------------------------------------------------------- turns

    private void Turn()
    {
        var idle = _rng.NextDouble();
        _clock = _clock.AddSeconds(idle < 0.7 ? _rng.Next(5, 120) : idle < 0.95 ? _rng.Next(120, 840) : _rng.Next(960, 5400));
        if (_plan.Branches.Count > 1 && _rng.Chance(0.03)) _branch = (_branch + 1) % _plan.Branches.Count;
        _main.Context.GitBranch = _plan.Branches[_branch];

        var promptUuid = _rng.Uuid();
        if (_plan.Layout == Layout.V21)
            _main.Write("file-history-snapshot", _clock, promptUuid, w =>
            {
                w.WriteString("messageId", promptUuid);
                w.WriteStartObject("snapshot");
                w.WriteString("messageId", promptUuid);
                w.WriteStartObject("trackedFileBackups");
                w.WriteEndObject();
                w.WriteString("timestamp", JsonlFile.Timestamp(_clock));
                w.WriteEndObject();
                w.WriteBoolean("isSnapshotUpdate", false);
            }, envelope: false);
        var prompt = _text.Prose(_rng.Next(8, 90));
        _main.Write("user", _clock, promptUuid, w =>
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteString("content", prompt);
            w.WriteEndObject();
            w.WriteString("permissionMode", "bypassPermissions");
        });
        if (_rng.Chance(0.5)) Hook(_main, "UserPromptSubmit", "UserPromptSubmit", "~/.claude/hooks/prompt-log.sh", _rng.Uuid());

        var model = _plan.MainModel;
        var steps = (int)_rng.LogUniform(_plan.EarlyTask && !_earlyTaskDone ? 2 : 1, 30);
        for (var step = 1; step <= steps; step++)
        {
            Tick(800, 6000);
            if (_rng.Chance(0.004)) ApiError();
            var last = step == steps;
            var tools = new List<ToolCall>();
            if (!last)
            {
                var count = _rng.Chance(0.8) ? 1 : _rng.Next(2, 5);
                for (var i = 0; i < count; i++) tools.Add(PlanMainTool());
                if (_plan.EarlyTask && !_earlyTaskDone) tools[0] = PlanTask();
                _earlyTaskDone |= _plan.EarlyTask;
            }
            var usage = NextUsage(ref _context, step == 1, _plan.OneHourCache, realOutput: true);
            var blocks = Blocks(tools, thinking: _rng.Chance(0.4), text: last || _rng.Chance(0.6));
            Respond(_main, model, blocks, usage, null);
            foreach (var tool in tools) RunMainTool(tool, ref model);
        }

        var stopHook = _rng.Uuid();
        Hook(_main, "Stop", "Stop", "~/.claude/hooks/stop.sh", stopHook);
        _main.Write("system", _clock, _rng.Uuid(), w =>
        {
            w.WriteString("subtype", "stop_hook_summary");
            w.WriteNumber("hookCount", 1);
            w.WriteStartArray("hookInfos");
            w.WriteStartObject();
            w.WriteString("command", "~/.claude/hooks/stop.sh");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("hookErrors");
            w.WriteEndArray();
            w.WriteBoolean("preventedContinuation", false);
            w.WriteString("stopReason", "");
            w.WriteBoolean("hasOutput", false);
            w.WriteString("level", "suggestion");
            w.WriteString("toolUseID", stopHook);
        });
        _main.Write("system", _clock, _rng.Uuid(), w =>
        {
            w.WriteString("subtype", "turn_duration");
            w.WriteNumber("durationMs", _rng.Next(2_000, 900_000));
            w.WriteBoolean("isMeta", false);
        });

        if (_context > _compactAt) Compact();
    }

    // ---------------------------------------------------------------- responses

    private sealed class Usage
    {
        public long Input, Output, CacheWrite, CacheWrite1h, CacheRead;
        public long Total => Input + Output + CacheWrite + CacheRead;
    }

    private sealed record Block(string Kind, string? Text, ToolCall? Tool);

    private sealed class ToolCall(string id, string name)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public Action<Utf8JsonWriter> Input { get; set; } = _ => { };
        public string? AssistantUuid { get; set; }
        public string? Command { get; set; }
        public string? FilePath { get; set; }
        public string? Subject { get; set; }
        public string? Skill { get; set; }
        public string? SubagentType { get; set; }
        public string? Prompt { get; set; }
        public string? Description { get; set; }
        /// <summary>Edit: the text replaced.</summary>
        public string? OldString { get; set; }
        /// <summary>Edit: the replacement; Write: the file's content.</summary>
        public string? NewString { get; set; }
    }

    /// <summary>Where a subagent's lines are replayed (2.1.x: agent_progress lines in the parent transcript).</summary>
    private sealed record Replay(JsonlFile Parent, string TaskToolUseId, string AgentId, string Prompt);

    private Usage NextUsage(ref long context, bool firstOfTurn, bool oneHour, bool realOutput)
    {
        var u = new Usage
        {
            Input = firstOfTurn ? _rng.Next(3, 12) : _rng.Next(1, 8),
            CacheWrite = context == 0 ? _rng.Next(12_000, 22_000) : firstOfTurn ? _rng.Next(800, 9_000) : _rng.Next(50, 4_000),
            CacheRead = context,
            Output = realOutput ? _rng.LogUniform(20, 2_500) : _rng.Next(1, 30),
        };
        if (oneHour) u.CacheWrite1h = _rng.Chance(0.8) ? u.CacheWrite : u.CacheWrite / 2;
        else if (_rng.Chance(0.05)) u.CacheWrite1h = u.CacheWrite / 3; // a few 1h writes everywhere
        if (_rng.Chance(0.02) && context > 0) { u.Input = _rng.Next(1_000, 40_000); }
        context += u.CacheWrite + u.Output;
        return u;
    }

    private List<Block> Blocks(List<ToolCall> tools, bool thinking, bool text)
    {
        var blocks = new List<Block>();
        if (thinking) blocks.Add(new Block("thinking", _text.Prose(_rng.Next(10, 120)), null));
        if (text || tools.Count == 0) blocks.Add(new Block("text", _text.Prose(_rng.Next(5, 150)), null));
        foreach (var t in tools) blocks.Add(new Block("tool_use", null, t));
        return blocks;
    }

    /// <summary>One API response: one line per content block, all sharing message.id and requestId.</summary>
    private void Respond(JsonlFile file, string model, List<Block> blocks, Usage u, Replay? replay)
    {
        var messageId = _rng.MessageId();
        var requestId = _rng.RequestId();
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            // Claude Code writes the usage known while streaming: early lines carry a placeholder output count.
            var output = i == blocks.Count - 1 ? u.Output : Math.Min(u.Output, _rng.Next(1, 12));
            if (i > 0) Tick(50, 1500);
            var uuid = _rng.Uuid();
            void Message(Utf8JsonWriter w) => WriteAssistantMessage(w, model, messageId, block, u, output, file.Context.Version);
            file.Write("assistant", _clock, uuid, w =>
            {
                Message(w);
                w.WriteString("requestId", requestId);
            });
            if (block.Tool is not null) block.Tool.AssistantUuid = uuid;
            if (replay is not null) ReplayLine(replay, "assistant", uuid, Message, requestId, "agent_" + messageId);
        }
        _expected.AddResponse(model, u.Input, u.Output, u.CacheWrite, u.CacheWrite1h, u.CacheRead);
        foreach (var b in blocks)
            if (b.Tool is not null) _expected.AddTool(b.Tool.Name);
    }

    private static void WriteAssistantMessage(Utf8JsonWriter w, string model, string messageId, Block block, Usage u, long output, string version)
    {
        w.WriteStartObject("message");
        w.WriteString("model", model);
        w.WriteString("id", messageId);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", block.Kind);
        switch (block.Kind)
        {
            case "thinking":
                w.WriteString("thinking", block.Text);
                w.WriteString("signature", "EqQBCkYIBxgCKkBbenchmarkSignature" + messageId);
                break;
            case "text":
                w.WriteString("text", block.Text);
                break;
            case "tool_use":
                w.WriteString("id", block.Tool!.Id);
                w.WriteString("name", block.Tool.Name);
                w.WriteStartObject("input");
                block.Tool.Input(w);
                w.WriteEndObject();
                break;
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", u.Input);
        w.WriteNumber("cache_creation_input_tokens", u.CacheWrite);
        w.WriteNumber("cache_read_input_tokens", u.CacheRead);
        // 2.0.x lines without 1-hour writes often lack the split; 2.1.x always writes it.
        if (version.StartsWith("2.1", StringComparison.Ordinal) || u.CacheWrite1h > 0)
        {
            w.WriteStartObject("cache_creation");
            w.WriteNumber("ephemeral_5m_input_tokens", u.CacheWrite - u.CacheWrite1h);
            w.WriteNumber("ephemeral_1h_input_tokens", u.CacheWrite1h);
            w.WriteEndObject();
        }
        w.WriteNumber("output_tokens", output);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void ReplayLine(Replay replay, string type, string uuid, Action<Utf8JsonWriter> message, string? requestId, string toolUseId)
    {
        var at = JsonlFile.Timestamp(_clock);
        replay.Parent.Write("progress", _clock, _rng.Uuid(), w =>
        {
            w.WriteStartObject("data");
            w.WriteStartObject("message");
            w.WriteString("type", type);
            w.WriteString("timestamp", at);
            message(w);
            if (requestId is not null) w.WriteString("requestId", requestId);
            w.WriteString("uuid", uuid);
            w.WriteEndObject();
            w.WriteStartArray("normalizedMessages");
            w.WriteEndArray();
            w.WriteString("type", "agent_progress");
            w.WriteString("prompt", replay.Prompt);
            w.WriteString("agentId", replay.AgentId);
            w.WriteEndObject();
            w.WriteString("toolUseID", toolUseId);
            w.WriteString("parentToolUseID", replay.TaskToolUseId);
        });
    }

    private void ApiError()
    {
        _expected.ApiErrors++;
        var code = _rng.Chance(0.7) ? 529 : 500;
        var text = code == 529
            ? "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
            : "API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}";
        _main.Write("assistant", _clock, _rng.Uuid(), w =>
        {
            w.WriteStartObject("message");
            w.WriteString("id", _rng.Uuid());
            w.WriteString("model", "<synthetic>");
            w.WriteString("role", "assistant");
            w.WriteString("stop_reason", "stop_sequence");
            w.WriteString("stop_sequence", "");
            w.WriteString("type", "message");
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", 0);
            w.WriteNumber("output_tokens", 0);
            w.WriteNumber("cache_creation_input_tokens", 0);
            w.WriteNumber("cache_read_input_tokens", 0);
            w.WriteEndObject();
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("isApiErrorMessage", true);
        });
        Tick(2_000, 30_000);
    }

    // ---------------------------------------------------------------- tools

    private ToolCall PlanMainTool()
    {
        var kind = _rng.Weighted(MainTools);
        return kind switch
        {
            "Commit" => PlanCommit(),
            "Task" => PlanTask(),
            "Skill" => PlanSkill(),
            _ => PlanSimpleTool(kind),
        };
    }

    private ToolCall PlanSimpleTool(string kind)
    {
        var call = new ToolCall(_rng.ToolUseId(), kind);
        var file = $"{_plan.Cwd}/lib/{_text.Word()}/{_text.Word()}_{_rng.Next(1, 400)}.ex";
        call.FilePath = file;
        switch (kind)
        {
            case "Read":
                call.Input = w => w.WriteString("file_path", file);
                break;
            case "Bash":
                var command = _rng.Pick(BashCommands);
                call.Command = command;
                call.Input = w => { w.WriteString("command", command); w.WriteString("description", "Run " + command); };
                break;
            case "Edit":
                var old = _text.Code(_rng.Next(40, 600));
                var replacement = _text.Code(_rng.Next(40, 900));
                call.Input = w =>
                {
                    w.WriteBoolean("replace_all", false);
                    w.WriteString("file_path", file);
                    w.WriteString("old_string", old);
                    w.WriteString("new_string", replacement);
                };
                call.OldString = old;
                call.NewString = replacement;
                break;
            case "Write":
                var content = _text.Code(_rng.Next(300, 8_000));
                call.Input = w => { w.WriteString("file_path", file); w.WriteString("content", content); };
                call.NewString = content;
                break;
            case "Grep":
                var pattern = _text.Word() + "|" + _text.Word();
                call.Input = w => { w.WriteString("pattern", pattern); w.WriteString("path", _plan.Cwd + "/lib"); w.WriteString("output_mode", "content"); };
                break;
            case "Glob":
                call.Input = w => w.WriteString("pattern", $"lib/{_text.Word()}/**/*.ex");
                break;
        }
        return call;
    }

    private ToolCall PlanCommit()
    {
        var call = new ToolCall(_rng.ToolUseId(), "Bash");
        var subject = $"{_rng.Pick(new[] { "feat", "fix", "refactor", "test", "docs" })}: {_text.Word()} {_text.Word()} for {_text.Name()}";
        var command = $"git add -A && git commit -m \"{subject}\n\n{_text.Prose(_rng.Next(8, 40))}\"";
        call.Subject = subject;
        call.Command = command;
        call.Input = w => { w.WriteString("command", command); w.WriteString("description", "Commit changes"); };
        return call;
    }

    private ToolCall PlanTask()
    {
        var call = new ToolCall(_rng.ToolUseId(), "Task");
        var type = _rng.Chance(0.6) ? "general-purpose" : "Explore";
        var description = $"{_text.Word()} {_text.Word()} {_text.Word()}";
        var prompt = _text.Prose(_rng.Next(20, 160));
        call.SubagentType = type;
        call.Description = description;
        call.Prompt = prompt;
        var alias = type == "Explore" ? "haiku" : "sonnet";
        call.Input = w =>
        {
            w.WriteString("description", description);
            w.WriteString("prompt", prompt);
            w.WriteString("subagent_type", type);
            w.WriteString("model", alias);
        };
        return call;
    }

    private ToolCall PlanSkill()
    {
        var call = new ToolCall(_rng.ToolUseId(), "Skill");
        var skill = _rng.Pick(Skills);
        call.Skill = skill;
        var args = _text.Prose(_rng.Next(2, 10));
        call.Input = w => { w.WriteString("skill", skill); w.WriteString("args", args); };
        return call;
    }

    private void RunMainTool(ToolCall call, ref string model)
    {
        Hook(_main, "PreToolUse", "PreToolUse:" + call.Name, "~/.claude/hooks/guardian.sh", call.Id);
        Tick(100, 4000);
        bool failed;
        if (call.Name == "Task") failed = RunTask(call);
        else if (call.Name == "Skill") failed = RunSkill(call, ref model);
        else if (call.Subject is not null) failed = RunCommit(call);
        else failed = RunSimpleTool(_main, call, allowLarge: true, replay: null);
        Hook(_main, failed ? "PostToolUseFailure" : "PostToolUse", (failed ? "PostToolUseFailure:" : "PostToolUse:") + call.Name,
            "~/.claude/hooks/post-tool.sh", call.Id);
    }

    /// <summary>Writes the tool_result line of a simple tool; returns whether it failed.</summary>
    private bool RunSimpleTool(JsonlFile file, ToolCall call, bool allowLarge, Replay? replay)
    {
        var large = allowLarge && (call.Name is "Read" or "Bash") && _main.Bytes - _lastLargeAt > _largeEvery && _plan.MaxLargeLineBytes >= 100_000;
        long largeBytes = 0;
        if (large)
        {
            largeBytes = _rng.LogUniform(100_000, Math.Max(100_001, _plan.MaxLargeLineBytes));
            _lastLargeAt = _main.Bytes;
            _largeEvery = _rng.LogUniform(2 << 20, 8 << 20);
        }
        switch (call.Name)
        {
            case "Read":
            {
                if (!large && _rng.Chance(0.04))
                    return ToolResult(file, call, "<tool_use_error>File does not exist.</tool_use_error>", true,
                        w => w.WriteString("toolUseResult", "Error: File does not exist."), replay);
                // The file's text appears twice (the result and toolUseResult.file.content), as in real transcripts.
                var chars = large ? (int)(largeBytes / 2) : (int)_rng.LogUniform(300, 12_000);
                var content = _text.NumberedCode(chars, out var first, out var lines);
                var plain = large || _rng.Chance(0.5) ? _text.Code(chars) : content;
                return ToolResult(file, call, content, false, w =>
                {
                    w.WriteStartObject("toolUseResult");
                    w.WriteString("type", "text");
                    w.WriteStartObject("file");
                    w.WriteString("filePath", call.FilePath);
                    w.WriteString("content", plain);
                    w.WriteNumber("numLines", lines);
                    w.WriteNumber("startLine", first);
                    w.WriteNumber("totalLines", first + lines + _rng.Next(0, 400));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }, replay);
            }
            case "Bash":
            {
                var fails = !large && _rng.Chance(0.12);
                var stdout = large ? _text.Code((int)(largeBytes / 2)) : _text.Code((int)_rng.LogUniform(40, 8_000));
                if (call.Command is "mix test" or "npm test" or "dotnet build" && file == _main)
                {
                    var progress = _rng.Next(1, 4);
                    var full = "";
                    for (var i = 1; i <= progress; i++)
                    {
                        Tick(1000, 5000);
                        var chunk = _text.Code(_rng.Next(40, 400));
                        full += chunk;
                        var elapsed = i * 2;
                        var sofar = full;
                        file.Write("progress", _clock, _rng.Uuid(), w =>
                        {
                            w.WriteStartObject("data");
                            w.WriteString("type", "bash_progress");
                            w.WriteString("output", chunk);
                            w.WriteString("fullOutput", sofar);
                            w.WriteNumber("elapsedTimeSeconds", elapsed);
                            w.WriteNumber("totalLines", sofar.Count(c => c == '\n'));
                            w.WriteNumber("timeoutMs", 120000);
                            w.WriteEndObject();
                            w.WriteString("toolUseID", "bash-progress-" + (i - 1));
                            w.WriteString("parentToolUseID", call.Id);
                        });
                    }
                }
                if (fails)
                {
                    var text = "Exit code 1\n" + stdout;
                    return ToolResult(file, call, text, true, w => w.WriteString("toolUseResult", "Error: " + text), replay);
                }
                return ToolResult(file, call, stdout, false, w => BashResult(w, stdout), replay);
            }
            case "Edit":
            {
                if (_rng.Chance(0.08))
                {
                    var text = "<tool_use_error>String to replace not found in file.\nString: " + call.OldString + "</tool_use_error>";
                    return ToolResult(file, call, text, true, w => w.WriteString("toolUseResult", "Error: String to replace not found in file.\nString: " + call.OldString), replay);
                }
                var original = _text.Code((int)_rng.LogUniform(500, 20_000));
                return ToolResult(file, call, $"The file {call.FilePath} has been updated successfully.", false, w =>
                {
                    w.WriteStartObject("toolUseResult");
                    w.WriteString("filePath", call.FilePath);
                    w.WriteString("oldString", call.OldString);
                    w.WriteString("newString", call.NewString);
                    w.WriteString("originalFile", original);
                    w.WriteStartArray("structuredPatch");
                    w.WriteStartObject();
                    w.WriteNumber("oldStart", 10);
                    w.WriteNumber("oldLines", 4);
                    w.WriteNumber("newStart", 10);
                    w.WriteNumber("newLines", 6);
                    w.WriteStartArray("lines");
                    foreach (var l in (call.OldString ?? "").Split('\n').Take(6)) w.WriteStringValue("-" + l);
                    foreach (var l in (call.NewString ?? "").Split('\n').Take(6)) w.WriteStringValue("+" + l);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteBoolean("userModified", false);
                    w.WriteBoolean("replaceAll", false);
                    w.WriteEndObject();
                }, replay);
            }
            case "Write":
                return ToolResult(file, call, $"File created successfully at: {call.FilePath}", false, w =>
                {
                    w.WriteStartObject("toolUseResult");
                    w.WriteString("type", "create");
                    w.WriteString("filePath", call.FilePath);
                    w.WriteString("content", call.NewString);
                    w.WriteStartArray("structuredPatch");
                    w.WriteEndArray();
                    w.WriteNull("originalFile");
                    w.WriteEndObject();
                }, replay);
            case "Grep":
            {
                var matches = _rng.Next(0, 40);
                var content = string.Join('\n', Enumerable.Range(0, matches).Select(i => $"lib/{_text.Word()}.ex:{_rng.Next(1, 900)}:  {_text.Code(_rng.Next(20, 120)).TrimEnd('\n')}"));
                return ToolResult(file, call, matches == 0 ? "No matches found" : content, false, w =>
                {
                    w.WriteStartObject("toolUseResult");
                    w.WriteString("mode", "content");
                    w.WriteNumber("numFiles", 0);
                    w.WriteStartArray("filenames");
                    w.WriteEndArray();
                    w.WriteString("content", content);
                    w.WriteNumber("numLines", matches);
                    w.WriteEndObject();
                }, replay);
            }
            default: // Glob
            {
                var names = Enumerable.Range(0, _rng.Next(0, 30)).Select(_ => $"{_plan.Cwd}/lib/{_text.Word()}/{_text.Word()}.ex").ToList();
                return ToolResult(file, call, names.Count == 0 ? "No files found" : string.Join('\n', names), false, w =>
                {
                    w.WriteStartObject("toolUseResult");
                    w.WriteStartArray("filenames");
                    foreach (var n in names) w.WriteStringValue(n);
                    w.WriteEndArray();
                    w.WriteNumber("durationMs", _rng.Next(5, 900));
                    w.WriteNumber("numFiles", names.Count);
                    w.WriteBoolean("truncated", false);
                    w.WriteEndObject();
                }, replay);
            }
        }
    }

    private static void BashResult(Utf8JsonWriter w, string stdout)
    {
        w.WriteStartObject("toolUseResult");
        w.WriteString("stdout", stdout);
        w.WriteString("stderr", "");
        w.WriteBoolean("interrupted", false);
        w.WriteBoolean("isImage", false);
        w.WriteBoolean("noOutputExpected", false);
        w.WriteEndObject();
    }

    private bool RunCommit(ToolCall call)
    {
        if (_rng.Chance(0.45))
        {
            _expected.FailedCommitAttempts++;
            var text = _rng.Pick(HookFailures);
            return ToolResult(_main, call, text, true, w => w.WriteString("toolUseResult", "Error: " + text), null);
        }
        string sha;
        do sha = _rng.HexString(7); while (!_shas.Add(sha));
        _expected.Commits++;
        var files = _rng.Next(1, 12);
        var stdout = $"[{_main.Context.GitBranch} {sha}] {call.Subject}\n {files} files changed, {_rng.Next(1, 400)} insertions(+), {_rng.Next(0, 120)} deletions(-)";
        return ToolResult(_main, call, stdout, false, w => BashResult(w, stdout), null);
    }

    private bool RunSkill(ToolCall call, ref string model)
    {
        _expected.SkillSequence.Add(call.Skill!);
        if (_rng.Chance(0.1))
        {
            var error = $"Unknown skill: {call.Skill}";
            return ToolResult(_main, call, $"<tool_use_error>{error}</tool_use_error>", true, w => w.WriteString("toolUseResult", "Error: " + error), null);
        }
        ToolResult(_main, call, "Launching skill: " + call.Skill, false, w =>
        {
            w.WriteStartObject("toolUseResult");
            w.WriteBoolean("success", true);
            w.WriteString("commandName", call.Skill);
            w.WriteStartArray("allowedTools");
            foreach (var t in new[] { "Read", "Grep", "Glob", "Bash" }) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteString("model", Haiku);
            w.WriteEndObject();
        }, null);
        // The skill's instructions arrive as a meta user message; the rest of the turn runs on the skill's model.
        var body = _text.Prose(_rng.Next(100, 900));
        _main.Write("user", _clock, _rng.Uuid(), w =>
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", body);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("isMeta", true);
        });
        model = Haiku;
        return false;
    }

    /// <summary>A tool_result user line (in a subagent file also replayed to the parent).</summary>
    private bool ToolResult(JsonlFile file, ToolCall call, string content, bool isError, Action<Utf8JsonWriter> toolUseResult, Replay? replay, bool contentAsBlocks = false)
    {
        Tick(50, 3000);
        void Message(Utf8JsonWriter w)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("tool_use_id", call.Id);
            w.WriteString("type", "tool_result");
            if (contentAsBlocks)
            {
                w.WriteStartArray("content");
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", content);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            else w.WriteString("content", content);
            if (isError) w.WriteBoolean("is_error", true);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var uuid = _rng.Uuid();
        file.Write("user", _clock, uuid, w =>
        {
            Message(w);
            toolUseResult(w);
            if (call.AssistantUuid is not null) w.WriteString("sourceToolAssistantUUID", call.AssistantUuid);
        });
        if (replay is not null) ReplayLine(replay, "user", uuid, Message, null, "agent_msg_" + call.Id[^12..]);
        return isError;
    }

    private void Hook(JsonlFile file, string hookEvent, string hookName, string command, string toolUseId, bool useNullParent = false)
    {
        file.Write("progress", _clock, _rng.Uuid(), w =>
        {
            w.WriteStartObject("data");
            w.WriteString("type", "hook_progress");
            w.WriteString("hookEvent", hookEvent);
            w.WriteString("hookName", hookName);
            w.WriteString("command", command);
            w.WriteEndObject();
            w.WriteString("parentToolUseID", toolUseId);
            w.WriteString("toolUseID", toolUseId);
        }, nullParent: useNullParent);
    }

    // ---------------------------------------------------------------- subagents

    /// <summary>Runs a Task subagent in its own transcript; returns whether the Task failed.</summary>
    private bool RunTask(ToolCall call)
    {
        _expected.Subagents++;
        var v21 = _plan.Layout == Layout.V21;
        string agentId;
        do agentId = v21 ? _rng.AgentId() : _rng.HexString(8); while (!_usedAgentIds.Add(agentId));
        var path = v21
            ? Path.Combine(_plan.ProjectDirectory, _plan.SessionId, "subagents", $"agent-{agentId}.jsonl")
            : Path.Combine(_plan.ProjectDirectory, $"agent-{agentId}.jsonl");
        if (!v21) FlatAgentFiles.Add((Path.GetFileName(_plan.ProjectDirectory) + "/agent-" + agentId, _plan.SessionId));
        var sub = Open(path, NewContext(agentId), 1 << 16);
        try
        {
            return RunSubagent(call, sub, agentId, v21);
        }
        finally
        {
            Close(sub);
        }
    }

    private bool RunSubagent(ToolCall call, JsonlFile sub, string agentId, bool v21)
    {
        var replay = v21 ? new Replay(_main, call.Id, agentId, call.Prompt!) : null;
        var model = call.SubagentType == "Explore" ? Haiku : Sonnet;
        var started = _clock;

        var promptUuid = _rng.Uuid();
        void PromptMessage(Utf8JsonWriter w)
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteString("content", call.Prompt);
            w.WriteEndObject();
        }
        sub.Write("user", _clock, promptUuid, PromptMessage, parentUuid: null, nullParent: true);
        if (replay is not null) ReplayLine(replay, "user", promptUuid, PromptMessage, null, "agent_msg_" + call.Id[^12..]);

        long context = 0;
        var steps = _rng.Next(2, 14);
        var toolUses = 0;
        Usage? last = null;
        long realOutput = 0;
        for (var step = 1; step <= steps; step++)
        {
            Tick(800, 5000);
            var final = step == steps;
            var tools = new List<ToolCall>();
            var toolCount = final ? 0 : _rng.Chance(0.75) ? 1 : _rng.Next(2, 4);
            for (var i = 0; i < toolCount; i++)
                tools.Add(PlanSimpleTool(_rng.Weighted(SubagentTools)));
            // Subagent transcripts often carry only streaming placeholders for output; the parent's
            // toolUseResult has the real figures.
            var placeholders = _rng.Chance(0.7);
            var usage = NextUsage(ref context, step == 1, oneHour: _rng.Chance(0.2), realOutput: !placeholders);
            realOutput += placeholders ? _rng.LogUniform(20, 1_500) : usage.Output;
            last = usage;
            Respond(sub, model, Blocks(tools, thinking: false, text: final || _rng.Chance(0.5)), usage, replay);
            foreach (var t in tools)
            {
                toolUses++;
                Hook(sub, "PreToolUse", "PreToolUse:" + t.Name, "~/.claude/hooks/guardian.sh", t.Id);
                RunSimpleTool(sub, t, allowLarge: false, replay);
            }
        }

        var summary = _text.Prose(_rng.Next(40, 400));
        var failed = _rng.Chance(0.03);
        var u = last!;
        var input = u.Input;
        var write = u.CacheWrite;
        var read = u.CacheRead;
        var output = Math.Max(realOutput, u.Output);
        var duration = (long)(_clock - started).TotalMilliseconds;
        if (failed)
            return ToolResult(_main, call, "Agent failed: " + summary, true, w => w.WriteString("toolUseResult", "Error: Agent failed"), null);
        _expected.CorrectLastCallOutput(model, u.Output, output);
        return ToolResult(_main, call, summary, false, w =>
        {
            w.WriteStartObject("toolUseResult");
            w.WriteString("status", "completed");
            w.WriteString("prompt", call.Prompt);
            w.WriteString("agentId", agentId);
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", summary);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNumber("totalDurationMs", duration);
            w.WriteNumber("totalTokens", input + write + read + output);
            w.WriteNumber("totalToolUseCount", toolUses);
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", input);
            w.WriteNumber("cache_creation_input_tokens", write);
            w.WriteNumber("cache_read_input_tokens", read);
            w.WriteNumber("output_tokens", output);
            w.WriteString("service_tier", "standard");
            w.WriteStartObject("cache_creation");
            w.WriteNumber("ephemeral_1h_input_tokens", u.CacheWrite1h);
            w.WriteNumber("ephemeral_5m_input_tokens", write - u.CacheWrite1h);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }, null, contentAsBlocks: true);
    }

    /// <summary>2.0.x flat subagent files of this session ("&lt;project dir&gt;/agent-&lt;id&gt;", session id).</summary>
    public List<(string File, string SessionId)> FlatAgentFiles { get; } = [];

    // ---------------------------------------------------------------- compaction

    private void Compact()
    {
        var preTokens = _context;
        var summary = _text.Prose(_rng.Next(300, 1_500));
        if (_plan.Layout == Layout.V21)
        {
            // The summary request runs as its own call, logged in subagents/agent-acompact-*.jsonl.
            _expected.CompactionCalls++;
            string agentId;
            do agentId = _rng.CompactionAgentId(); while (!_usedAgentIds.Add(agentId));
            var f = Open(Path.Combine(_plan.ProjectDirectory, _plan.SessionId, "subagents", $"agent-{agentId}.jsonl"), NewContext(agentId), 1 << 16);
            f.LastUuid = _main.LastUuid;
            f.Write("user", _clock, _rng.Uuid(), w =>
            {
                w.WriteStartObject("message");
                w.WriteString("role", "user");
                w.WriteString("content", "Your task is to create a detailed summary of the conversation so far. " + _text.Prose(_rng.Next(200, 400)));
                w.WriteEndObject();
            });
            Tick(20_000, 90_000);
            var usage = new Usage { Input = _rng.Next(3, 12), CacheWrite = _rng.Next(500, 8_000), CacheRead = _context, Output = _rng.Next(1_500, 7_000) };
            var blocks = new List<Block> { new("text", "<analysis>" + _text.Prose(_rng.Next(50, 300)) + "</analysis>", null), new("text", summary, null) };
            Respond(f, _plan.MainModel, blocks, usage, null);
            Close(f);
        }
        var boundary = _rng.Uuid();
        var logicalParent = _main.LastUuid;
        _main.Write("system", _clock, boundary, w =>
        {
            w.WriteNull("logicalParentUuid");
            w.WriteString("subtype", "compact_boundary");
            w.WriteString("content", "Conversation compacted");
            w.WriteBoolean("isMeta", false);
            w.WriteString("level", "info");
            w.WriteStartObject("compactMetadata");
            w.WriteString("trigger", "auto");
            w.WriteNumber("preTokens", preTokens);
            w.WriteEndObject();
        }, nullParent: true);
        _main.Write("user", _clock, _rng.Uuid(), w =>
        {
            w.WriteStartObject("message");
            w.WriteString("role", "user");
            w.WriteString("content", "This session is being continued from a previous conversation that ran out of context. The summary below covers the earlier portion of the conversation.\n\n" + summary);
            w.WriteEndObject();
            w.WriteBoolean("isCompactSummary", true);
            w.WriteBoolean("isVisibleInTranscriptOnly", true);
        });
        _context = _rng.Next(18_000, 30_000);
        _compactAt = _rng.NextLong(140_000, 175_000);
    }
}
