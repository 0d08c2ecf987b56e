using SessionAnalytics.Core.Tabular;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// Everything measured about one Claude Code session: the design's per-session JSON as a typed object.
/// Scalar totals come first so the object exports to CSV as a flat row; detail lives in the collections, which print as
/// one cell each (Core/Tabular; their forms and the reader of a CSV row are in <see cref="SessionStatsCells"/>).
/// <see cref="SessionStatsJson"/> writes and reads the design's snake_case JSON shape.
/// </summary>
/// <remarks>
/// The contract lives here once: the records are immutable (copy with <c>with</c>), the JSON maps them in
/// <see cref="SessionStatsJson"/>, redaction and comparison work on any field without listing them. The one settable
/// field is <see cref="WorkflowEdges"/>, which the workflow phase fills in after measurement (documented behaviour of
/// ConvertTo-SessionMermaid).
/// </remarks>
public sealed partial record SessionStats
{
    public required string SessionId { get; init; }
    public string SessionIdShort => ShortId(SessionId);
    public string? Project { get; init; }
    public string? Branch { get; init; }
    /// <summary>"pr" or "issue" once the session is tied to a GitHub target; null for local sessions.</summary>
    public string? TargetType { get; init; }
    public int? TargetNumber { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>Whole minutes from the first to the last timestamp.</summary>
    public int DurationMinutes { get; init; }
    /// <summary>Whole minutes with activity: gaps between consecutive lines longer than the idle threshold are left out.</summary>
    public int ActiveMinutes { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheCreationTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;
    /// <summary>Sum of the priced models' costs, rounded to cents as the design shows; unpriced models add nothing.</summary>
    public decimal EstimatedCostUsd { get; init; }
    public int MessageCount { get; init; }
    public int CommitCount => Commits.Count;
    /// <summary>Distinct subagents (a subagent that used two models has two rows in <see cref="Subagents"/>).</summary>
    public int SubagentCount => Subagents.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count();
    public int ProblemCount => ProblemsFaced.Count;
    public int ToolCallCount => Tools.Values.Sum();
    /// <summary>Comma-separated model ids, the most expensive first (the design's CSV <c>models_used</c>).</summary>
    public string ModelsUsed => string.Join(",", Models.Select(m => m.Model));
    public string SkillsUsed => string.Join(",", SkillsInvoked.Select(s => s.Skill));
    public string? Cwd { get; init; }
    public string? Version { get; init; }
    /// <summary>
    /// True when some output counts are Claude Code's logged mid-stream figures, which undercount: the session's output
    /// is then a lower bound. False when every response's output is final. Null when unknown (JSON written before this
    /// was measured).
    /// </summary>
    public bool? OutputTokensLowerBound { get; init; }
    /// <summary>Output tokens that come from final usage instead of the logged counts; included in <see cref="OutputTokens"/>.</summary>
    public long OutputTokensCorrection { get; init; }
    /// <summary>Claude Code's own cost for the session (the source recorded last, see <see cref="ClaudeCodeVerification"/>); null when none was recorded.</summary>
    public decimal? ClaudeCodeCostUsd => ClaudeCodeVerification?.Cost?.ClaudeCode;
    /// <summary>Claude Code's own output token count for the session; null when none was recorded.</summary>
    public long? ClaudeCodeOutputTokens => ClaudeCodeVerification?.OutputTokens is { } o ? (long)o.ClaudeCode : null;

    /// <summary>
    /// What Claude Code itself reported for the session (its status line, recorded by the status line recorder, and
    /// the output of <c>/cost</c> in the transcript); null when neither exists. Docs: "Claude Code's own figures".
    /// </summary>
    public ClaudeCodeReport? ClaudeCode { get; init; }
    /// <summary>Our cost and output tokens beside Claude Code's, from <see cref="ClaudeCode"/>; null without Claude Code figures.</summary>
    public ClaudeCodeVerification? ClaudeCodeVerification => ClaudeCodeVerification.Of(this);

    public CellList<ModelUsage> Models { get; init; } = [];
    /// <summary>Tool name → number of calls, main thread and subagents together.</summary>
    public CellMap<int> Tools { get; init; } = CellMap<int>.Empty;
    public CellList<SkillUsage> SkillsInvoked { get; init; } = [];
    /// <summary>The skills in the order they were invoked, repeats kept: the input of the workflow-edge rule.</summary>
    public CellList<string> SkillSequence { get; init; } = [];
    /// <summary>
    /// Every Skill invocation in the order made, with its outcome and what happened before the next one: what the
    /// workflow diagrams use to tell success from failure (docs: "Workflow edges"). Empty in JSON written before it was measured.
    /// </summary>
    public CellList<SkillInvocation> SkillInvocations { get; init; } = [];
    /// <summary>One row per subagent and model.</summary>
    public CellList<SubagentUsage> Subagents { get; init; } = [];
    public CellList<CommitRecord> Commits { get; init; } = [];
    public CellList<ProblemRecord> ProblemsFaced { get; init; } = [];
    /// <summary>Workflow family → "FROM->TO" → traversals. Filled by the workflow phase (ConvertTo-SessionMermaid) or given explicitly.</summary>
    public NestedCellMap<int> WorkflowEdges { get; set; } = NestedCellMap<int>.Empty;
    /// <summary>Models seen without a price: their tokens are counted, their cost is not invented.</summary>
    public CellList<string> UnpricedModels { get; init; } = [];
    public CellList<string> Branches { get; init; } = [];
    public CellList<string> TranscriptPaths { get; init; } = [];

    public static string ShortId(string sessionId) => sessionId.Length > 8 ? sessionId[..8] : sessionId;

    public override string ToString() =>
        $"{SessionIdShort} {Branch ?? "-"} {StartedAt:yyyy-MM-dd HH:mm} {DurationMinutes}m {ModelsUsed} ${EstimatedCostUsd:0.00} {CommitCount} commit{(CommitCount == 1 ? "" : "s")}";
}

/// <summary>Tokens and cost of one model within a session (design: <c>models.&lt;model&gt;</c>).</summary>
public sealed partial record ModelUsage
{
    public required string Model { get; init; }
    /// <summary>Distinct API responses (after de-duplication).</summary>
    public int Messages { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    /// <summary>All cache writes: 5-minute and 1-hour.</summary>
    public long CacheCreationTokens { get; init; }
    /// <summary>The part of <see cref="CacheCreationTokens"/> written to the 1-hour cache (priced at 2× input).</summary>
    public long CacheCreation1hTokens { get; init; }
    public long CacheReadTokens { get; init; }
    /// <summary>Null when the model has no known price.</summary>
    public decimal? CostUsd { get; init; }
    public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;
    public override string ToString() => $"{Model}: in {InputTokens:N0} out {OutputTokens:N0} cache+ {CacheCreationTokens:N0} cache> {CacheReadTokens:N0} ${CostUsd:0.00}";
}

/// <summary>A skill invoked through the Skill tool (design: <c>skills_invoked[]</c>).</summary>
public sealed partial record SkillUsage
{
    public required string Skill { get; init; }
    public int Count { get; init; }
    /// <summary>"pass" when every invocation's tool result succeeded, "fail" when the last one failed, "partial" otherwise.</summary>
    public string Status { get; init; } = "pass";
    /// <summary>Tokens attributed to the skill: see the attribution window in docs/about_SessionAnalytics.md.</summary>
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public override string ToString() => $"{Skill} x{Count} {Status}";
}

/// <summary>One Skill tool call (design: the skill sequence, with outcomes).</summary>
public sealed partial record SkillInvocation
{
    public required string Skill { get; init; }
    /// <summary>False when the call's tool result failed (<c>is_error</c>, or <c>toolUseResult.success</c> false); true otherwise, a missing result included.</summary>
    public bool Succeeded { get; init; } = true;
    /// <summary>
    /// The first test or CI command (docs: "Test and CI commands", e.g. <c>dotnet test</c>, <c>gh pr checks</c>) that
    /// failed after this invocation and before the next one, anywhere in the session (subagents included); null when none did.
    /// </summary>
    public string? FailedTestOrCi { get; init; }
    public override string ToString() => Skill + (Succeeded ? "" : " (failed)") + (FailedTestOrCi is null ? "" : $", then '{FailedTestOrCi}' failed");
}

/// <summary>A subagent launched through the Task/Agent tool (design: <c>subagents[]</c>).</summary>
public sealed partial record SubagentUsage
{
    public required string Id { get; init; }
    public string? Type { get; init; }
    public string? Model { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheCreationTokens { get; init; }
    public long CacheReadTokens { get; init; }
    /// <summary>Output tokens from the final usage the parent's tool result reports; included in <see cref="OutputTokens"/>.</summary>
    public long OutputTokensCorrection { get; init; }
    /// <summary>The parent's <c>toolUseResult.totalTokens</c> (on the subagent's first row).</summary>
    public long? TotalTokens { get; init; }
    public long? DurationMs { get; init; }
    public int? ToolUseCount { get; init; }
    public string? Description { get; init; }
    /// <summary>
    /// Where the figures come from: "transcript" (the subagent's own lines), "agent_progress" (its lines replayed in the
    /// parent, its own file missing) or "tool_result" (only the parent's report of its last call; not in the session's totals).
    /// </summary>
    public string Source { get; init; } = "transcript";
    public override string ToString() => $"{Id} {Type} {Model} in {InputTokens:N0} out {OutputTokens:N0}";
}

/// <summary>A commit that actually happened (design: <c>commits[]</c>).</summary>
public sealed partial record CommitRecord
{
    public required string Sha { get; init; }
    public required string Message { get; init; }
    public string? Branch { get; init; }
    public override string ToString() => $"{Sha} {Message}";
}

/// <summary>A problem met during the session (design: <c>problems_faced[]</c>).</summary>
public sealed partial record ProblemRecord
{
    public required string Description { get; init; }
    public bool Resolved { get; init; }
    public int Iterations { get; init; }
    /// <summary>tool_error, commit_failed, api_error, ...</summary>
    public string? Kind { get; init; }
    public override string ToString() => $"{Description} ({(Resolved ? "resolved" : "unresolved")}, {Iterations}x)";
}
