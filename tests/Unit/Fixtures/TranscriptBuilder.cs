using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionAnalytics.Tests.Fixtures;

/// <summary>
/// Writes realistic Claude Code transcripts for tests: responses split into one line per content block sharing
/// message.id/requestId (early lines with placeholder output tokens, as 2.1.x writes them), tool calls and their
/// results, Task subagents with toolUseResult totals, Skill calls, commits, API errors and agent_progress replays.
/// </summary>
public sealed class TranscriptBuilder
{
    private readonly List<string> _lines = [];
    private readonly List<TranscriptBuilder> _subagents = [];
    private int _counter;
    private string? _lastUuid;

    public TranscriptBuilder(string sessionId, string cwd = "/home/dev/widget", string branch = "main", string version = "2.1.39",
        DateTimeOffset? start = null, string? agentId = null)
    {
        SessionId = sessionId;
        Cwd = cwd;
        Branch = branch;
        Version = version;
        Clock = start ?? new DateTimeOffset(2026, 2, 8, 22, 26, 37, TimeSpan.Zero);
        AgentId = agentId;
    }

    public string SessionId { get; }
    public string Cwd { get; set; }
    public string Branch { get; set; }
    public string Version { get; }
    public string? AgentId { get; }
    public DateTimeOffset Clock { get; private set; }
    public IReadOnlyList<string> Lines => _lines;

    /// <summary>
    /// Write usage as Claude Code 2.1.x does: every line of a response has <c>stop_reason: null</c> and the output
    /// count known mid-stream (the <see cref="Usage.Output"/> given is what gets logged; the final count never is).
    /// Off by default: lines end with <c>end_turn</c> and the real output count, as older versions and the samples do.
    /// </summary>
    public bool MidStream { get; set; }

    /// <summary>Usage of one API response.</summary>
    public sealed record Usage(long Input, long Output, long CacheCreate = 0, long CacheRead = 0, long CacheCreate1h = 0);

    public TranscriptBuilder Advance(TimeSpan by) { Clock += by; return this; }
    public TranscriptBuilder OnBranch(string branch) { Branch = branch; return this; }

    public TranscriptBuilder User(string text, bool isMeta = false)
    {
        var line = Envelope("user");
        line["message"] = new JsonObject { ["role"] = "user", ["content"] = text };
        if (isMeta) line["isMeta"] = true;
        return Add(line);
    }

    /// <summary>One response of <paramref name="model"/>, written as one line per block (at least one).</summary>
    public TranscriptBuilder Assistant(string model, Usage usage, params JsonObject[] blocks) =>
        Response(model, usage, null, blocks);

    public TranscriptBuilder Response(string model, Usage usage, string? messageId, JsonObject[] blocks, bool withIds = true)
    {
        messageId ??= "msg_" + Next();
        var requestId = "req_" + Next();
        if (blocks.Length == 0) blocks = [Text("Working on it.")];
        for (var i = 0; i < blocks.Length; i++)
        {
            var last = i == blocks.Length - 1;
            var u = new JsonObject
            {
                ["input_tokens"] = usage.Input,
                ["cache_creation_input_tokens"] = usage.CacheCreate,
                ["cache_read_input_tokens"] = usage.CacheRead,
                ["cache_creation"] = new JsonObject
                {
                    ["ephemeral_5m_input_tokens"] = usage.CacheCreate - usage.CacheCreate1h,
                    ["ephemeral_1h_input_tokens"] = usage.CacheCreate1h,
                },
                // Early lines of a streamed response carry a placeholder output count; the last has the real one.
                ["output_tokens"] = last ? usage.Output : Math.Min(usage.Output, 1),
                ["service_tier"] = "standard",
            };
            var message = new JsonObject
            {
                ["model"] = model,
                ["type"] = "message",
                ["role"] = "assistant",
                ["content"] = new JsonArray(blocks[i].DeepClone()),
                ["stop_reason"] = last && !MidStream ? "end_turn" : null,
                ["usage"] = u,
            };
            if (withIds) message["id"] = messageId;
            var line = Envelope("assistant");
            line["message"] = message;
            if (withIds) line["requestId"] = requestId;
            Add(line);
            _responseLines.Add((_lines.Count - 1, messageId));
        }
        return this;
    }

    private readonly List<(int Line, string MessageId)> _responseLines = [];

    /// <summary>How a subagent's lines reach the disk.</summary>
    public enum SubagentLog
    {
        /// <summary>Its own transcript file (subagents/agent-&lt;id&gt;.jsonl).</summary>
        File,
        /// <summary>No file of its own: only its lines replayed in the parent as agent_progress lines, all but its last (answering) response, as Claude Code writes them.</summary>
        ReplaysOnly,
        /// <summary>No trace but the parent's tool result.</summary>
        None,
    }

    public static JsonObject Text(string text) => new() { ["type"] = "text", ["text"] = text };

    public static JsonObject ToolUse(string id, string name, JsonObject input) =>
        new() { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input };

    public TranscriptBuilder ToolResult(string toolUseId, string content, bool isError = false, JsonNode? toolUseResult = null)
    {
        var block = new JsonObject { ["tool_use_id"] = toolUseId, ["type"] = "tool_result", ["content"] = content };
        if (isError) block["is_error"] = true;
        var line = Envelope("user");
        line["message"] = new JsonObject { ["role"] = "user", ["content"] = new JsonArray(block) };
        if (toolUseResult is not null) line["toolUseResult"] = toolUseResult.DeepClone();
        return Add(line);
    }

    /// <summary>A Bash tool call and its result in one go.</summary>
    public TranscriptBuilder Bash(string model, Usage usage, string command, string output, bool isError = false)
    {
        var id = "toolu_" + Next();
        Assistant(model, usage, ToolUse(id, "Bash", new JsonObject { ["command"] = command, ["description"] = "run" }));
        Advance(TimeSpan.FromSeconds(5));
        return ToolResult(id, output, isError);
    }

    public TranscriptBuilder Commit(string model, Usage usage, string sha, string subject, bool succeeds = true, string? branch = null) =>
        Bash(model, usage, $"git add -A && git commit -m \"{subject}\"",
            succeeds ? $"[{branch ?? Branch} {sha}] {subject}\n 2 files changed, 10 insertions(+)" : "Pre-commit validation failed:\n[FORMAT] Code is not formatted.",
            isError: !succeeds);

    public TranscriptBuilder Skill(string model, Usage usage, string skill, bool succeeds = true)
    {
        var id = "toolu_" + Next();
        Assistant(model, usage, ToolUse(id, "Skill", new JsonObject { ["skill"] = skill }));
        Advance(TimeSpan.FromSeconds(1));
        return ToolResult(id, succeeds ? $"Launching skill: {skill}" : $"Error: skill {skill} failed", !succeeds,
            new JsonObject { ["success"] = succeeds, ["commandName"] = skill });
    }

    /// <summary>
    /// A Task subagent: the launch in this transcript, the subagent's own transcript (returned for more lines), and the
    /// tool result with toolUseResult totals (unless <paramref name="reportTotals"/> is false).
    /// </summary>
    public TranscriptBuilder Task(string model, Usage launchUsage, string agentId, string subagentType, string description,
        Action<TranscriptBuilder> subagentWork, Usage? reportedUsage = null, bool reportTotals = true, string tool = "Task",
        SubagentLog log = SubagentLog.File)
    {
        var id = "toolu_" + Next();
        Assistant(model, launchUsage, ToolUse(id, tool, new JsonObject { ["description"] = description, ["prompt"] = "Do it", ["subagent_type"] = subagentType }));
        var sub = new TranscriptBuilder(SessionId, Cwd, Branch, Version, Clock, agentId) { MidStream = MidStream };
        subagentWork(sub);
        if (log == SubagentLog.File) _subagents.Add(sub);
        else if (log == SubagentLog.ReplaysOnly) ReplayAllButLastResponse(sub, id);
        Clock = sub.Clock + TimeSpan.FromSeconds(1);
        JsonObject? result = null;
        if (reportTotals)
        {
            var r = reportedUsage ?? new Usage(0, 0);
            result = new JsonObject
            {
                ["status"] = "completed",
                ["agentId"] = agentId,
                ["totalDurationMs"] = 32548,
                ["totalTokens"] = r.Input + r.Output + r.CacheCreate + r.CacheRead,
                ["totalToolUseCount"] = 3,
                ["usage"] = new JsonObject
                {
                    ["input_tokens"] = r.Input, ["output_tokens"] = r.Output,
                    ["cache_creation_input_tokens"] = r.CacheCreate, ["cache_read_input_tokens"] = r.CacheRead,
                },
            };
        }
        return ToolResult(id, "Subagent finished.", toolUseResult: result);
    }

    private void ReplayAllButLastResponse(TranscriptBuilder sub, string taskToolUseId)
    {
        var lastResponse = sub._responseLines.Count > 0 ? sub._responseLines[^1].MessageId : null;
        var skipped = sub._responseLines.Where(r => r.MessageId == lastResponse).Select(r => r.Line).ToHashSet();
        for (var i = 0; i < sub._lines.Count; i++)
        {
            if (skipped.Contains(i)) continue;
            var replayed = JsonNode.Parse(sub._lines[i])!.AsObject();
            var message = new JsonObject
            {
                ["type"] = replayed["type"]?.DeepClone(),
                ["timestamp"] = replayed["timestamp"]?.DeepClone(),
                ["message"] = replayed["message"]?.DeepClone(),
                ["uuid"] = replayed["uuid"]?.DeepClone(),
            };
            if (replayed["requestId"] is { } requestId) message["requestId"] = requestId.DeepClone();
            var line = Envelope("progress");
            line["data"] = new JsonObject
            {
                ["message"] = message,
                ["normalizedMessages"] = new JsonArray(),
                ["type"] = "agent_progress",
                ["prompt"] = "Do it",
                ["agentId"] = sub.AgentId,
            };
            line["toolUseID"] = "agent_msg_" + Next();
            line["parentToolUseID"] = taskToolUseId;
            Add(line);
        }
    }

    /// <summary>A progress line replaying a subagent response inside the parent transcript (2.1.x).</summary>
    public TranscriptBuilder AgentProgress(string agentId, string model, Usage usage)
    {
        var line = Envelope("progress");
        line["data"] = new JsonObject
        {
            ["type"] = "agent_progress",
            ["agentId"] = agentId,
            ["message"] = new JsonObject
            {
                ["type"] = "assistant",
                ["message"] = new JsonObject
                {
                    ["model"] = model, ["id"] = "msg_" + Next(), ["role"] = "assistant",
                    ["content"] = new JsonArray(Text("sub work")),
                    ["usage"] = new JsonObject { ["input_tokens"] = usage.Input, ["output_tokens"] = usage.Output },
                },
                ["requestId"] = "req_" + Next(),
            },
        };
        return Add(line);
    }

    public TranscriptBuilder ApiError(string text)
    {
        var line = Envelope("assistant");
        line["isApiErrorMessage"] = true;
        line["message"] = new JsonObject
        {
            ["model"] = "<synthetic>", ["id"] = Guid.NewGuid().ToString(), ["role"] = "assistant",
            ["content"] = new JsonArray(Text(text)),
            ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
        };
        return Add(line);
    }

    public TranscriptBuilder Raw(string line) { _lines.Add(line); return this; }

    /// <summary>
    /// A local command (<c>/cost</c>, <c>/model</c>) and what it printed, as Claude Code writes them: 2.1.x as two
    /// <c>type: "system", subtype: "local_command"</c> lines (<paramref name="asUserLines"/>: 1.x/2.0.x <c>type: "user"</c>
    /// lines), the output's parentUuid the command's uuid.
    /// </summary>
    public TranscriptBuilder LocalCommand(string command, string stdout, bool asUserLines = false)
    {
        foreach (var text in new[]
                 {
                     $"<command-name>/{command}</command-name>\n            <command-message>{command}</command-message>\n            <command-args></command-args>",
                     $"<local-command-stdout>{stdout}</local-command-stdout>",
                 })
        {
            var line = Envelope(asUserLines ? "user" : "system");
            if (asUserLines) line["message"] = new JsonObject { ["role"] = "user", ["content"] = text };
            else
            {
                line["subtype"] = "local_command";
                line["content"] = text;
                line["level"] = "info";
                line["isMeta"] = false;
            }
            Add(line);
        }
        return this;
    }

    /// <summary>Writes the session under <paramref name="projectDir"/> (2.1.x layout) and returns the main transcript path.</summary>
    public string WriteTo(string projectDir, bool flatSubagents = false)
    {
        Directory.CreateDirectory(projectDir);
        var main = Path.Combine(projectDir, SessionId + ".jsonl");
        File.WriteAllText(main, string.Join('\n', _lines) + "\n", new UTF8Encoding(false));
        foreach (var sub in _subagents)
        {
            var dir = flatSubagents ? projectDir : Path.Combine(projectDir, SessionId, "subagents");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, $"agent-{sub.AgentId}.jsonl"), string.Join('\n', sub._lines) + "\n", new UTF8Encoding(false));
            // Nested subagents (workflows) land beside.
            foreach (var nested in sub._subagents)
                File.WriteAllText(Path.Combine(dir, $"agent-{nested.AgentId}.jsonl"), string.Join('\n', nested._lines) + "\n", new UTF8Encoding(false));
        }
        return main;
    }

    /// <summary>Adds a compaction call transcript (agent-acompact-*) written with the session.</summary>
    public TranscriptBuilder Compaction(string agentSuffix, string model, Usage usage)
    {
        var sub = new TranscriptBuilder(SessionId, Cwd, Branch, Version, Clock, "acompact-" + agentSuffix);
        sub.Assistant(model, usage, Text("Summary of the conversation so far."));
        _subagents.Add(sub);
        var boundary = Envelope("system");
        boundary["subtype"] = "compact_boundary";
        boundary["content"] = "Conversation compacted";
        return Add(boundary);
    }

    private JsonObject Envelope(string type)
    {
        var o = new JsonObject
        {
            ["parentUuid"] = _lastUuid,
            ["isSidechain"] = AgentId is not null,
            ["userType"] = "external",
            ["cwd"] = Cwd,
            ["sessionId"] = SessionId,
            ["version"] = Version,
            ["gitBranch"] = Branch,
            ["type"] = type,
            ["uuid"] = Guid.NewGuid().ToString(),
            ["timestamp"] = Clock.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        };
        if (AgentId is not null) o["agentId"] = AgentId;
        return o;
    }

    private TranscriptBuilder Add(JsonObject line)
    {
        _lastUuid = (string?)line["uuid"];
        _lines.Add(line.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        Clock += TimeSpan.FromSeconds(2);
        return this;
    }

    private string Next() => $"{Interlocked.Increment(ref _counter):D4}{Guid.NewGuid():N}"[..24];
}

/// <summary>A throw-away Claude Code config directory (…/.claude/projects/…) under the temp directory.</summary>
public sealed class TempClaudeHome : IDisposable
{
    public TempClaudeHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "sa-tests-" + Guid.NewGuid().ToString("N")[..12]);
        ConfigDirectory = Path.Combine(Root, ".claude");
        Directory.CreateDirectory(Path.Combine(ConfigDirectory, "projects"));
    }

    public string Root { get; }
    public string ConfigDirectory { get; }
    public string ProjectsDirectory => Path.Combine(ConfigDirectory, "projects");
    public string ProjectDirectory(string cwd) => Path.Combine(ProjectsDirectory, Core.Transcripts.SessionDiscovery.EncodeProjectDirectory(cwd));

    public string Write(TranscriptBuilder session, bool flatSubagents = false) =>
        session.WriteTo(ProjectDirectory(session.Cwd), flatSubagents);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
