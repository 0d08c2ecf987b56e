using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionAnalytics.Benchmarks.CorpusGenerator;

/// <summary>
/// What the generator wrote, as an exact accounting tool must find it: per session and model, the token sums of the
/// distinct responses (the largest line of each (message.id, requestId) group, which the generator always writes
/// last), over the main transcript, its subagents and its compaction calls. Written to expected-totals.json.
/// </summary>
public sealed class ExpectedCorpus
{
    public string Generator { get; init; } = "SessionAnalytics CorpusGenerator";
    /// <summary>
    /// Changes whenever the same seed would write different bytes or different expected totals; run-benchmark.sh
    /// regenerates on a mismatch. 4: the expected totals apply the final-usage correction of subagents' last calls.
    /// 5: each model also records that correction (what a tool that reads only the logged usage, like ccusage, lacks).
    /// </summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public const int CurrentFormatVersion = 5;
    public int Seed { get; init; }
    /// <summary>"giant" or "many" (see CorpusShape).</summary>
    public string Shape { get; init; } = "giant";
    public long RequestedBytes { get; init; }
    public long BytesWritten { get; set; }
    public int Files { get; set; }
    public long Lines { get; set; }
    public long LargestFileBytes { get; set; }
    public string? LargestFile { get; set; }
    public long LargestLineBytes { get; set; }
    public List<ExpectedSession> Sessions { get; } = [];
    /// <summary>2.0.x flat subagent files ("&lt;project dir&gt;/agent-&lt;id&gt;") → the session they belong to.</summary>
    public SortedDictionary<string, string> FlatAgentFiles { get; } = new(StringComparer.Ordinal);

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed class ExpectedSession
{
    public required string SessionId { get; init; }
    public required string ProjectDirectory { get; init; }
    /// <summary>"2.1.x" (subagents/ folder, agent_progress replays) or "2.0.x" (flat agent files).</summary>
    public required string Layout { get; init; }
    public required string Version { get; init; }
    public long Bytes { get; set; }
    public List<string> Files { get; } = [];
    public SortedDictionary<string, ExpectedModel> Models { get; } = new(StringComparer.Ordinal);
    /// <summary>tool_use blocks per tool name, main thread and subagents (replays not counted).</summary>
    public SortedDictionary<string, int> Tools { get; } = new(StringComparer.Ordinal);
    public int Commits { get; set; }
    public int FailedCommitAttempts { get; set; }
    public int Subagents { get; set; }
    public int CompactionCalls { get; set; }
    public int ApiErrors { get; set; }
    public List<string> SkillSequence { get; } = [];

    public void AddResponse(string model, long input, long output, long cacheWrite, long cacheWrite1h, long cacheRead)
    {
        if (!Models.TryGetValue(model, out var m)) Models[model] = m = new ExpectedModel();
        m.Messages++;
        m.InputTokens += input;
        m.OutputTokens += output;
        m.CacheCreationTokens += cacheWrite;
        m.CacheCreation1hTokens += cacheWrite1h;
        m.CacheReadTokens += cacheRead;
    }

    public void AddTool(string name) => Tools[name] = Tools.GetValueOrDefault(name) + 1;

    /// <summary>
    /// The engine's final-usage rule (docs/about_SessionAnalytics.md, "Accounting"): a subagent's last call takes the
    /// output its parent's Task result reports, when that is larger than the logged count.
    /// </summary>
    public void CorrectLastCallOutput(string model, long logged, long final)
    {
        if (final <= logged) return;
        Models[model].OutputTokens += final - logged;
        Models[model].OutputTokensCorrection += final - logged;
    }
}

public sealed class ExpectedModel
{
    public int Messages { get; set; }
    public long InputTokens { get; set; }
    /// <summary>Output as the engine counts it: the logged output plus <see cref="OutputTokensCorrection"/>.</summary>
    public long OutputTokens { get; set; }
    /// <summary>Output added by the final-usage correction (subagents' last calls, from their parent's Task result).</summary>
    public long OutputTokensCorrection { get; set; }
    /// <summary>All cache writes, 5-minute and 1-hour.</summary>
    public long CacheCreationTokens { get; set; }
    public long CacheCreation1hTokens { get; set; }
    public long CacheReadTokens { get; set; }
}
