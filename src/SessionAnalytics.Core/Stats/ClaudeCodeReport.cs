using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// What Claude Code itself reported for a session, from each source that had figures (design: "verification against
/// Claude Code's own /cost figure"). The rules are in docs/about_SessionAnalytics.md, "Claude Code's own figures".
/// </summary>
public sealed record ClaudeCodeReport
{
    /// <summary>The latest status line JSON the recorder saved for the session (integrations/claude-code/statusline); null when none was recorded.</summary>
    public ClaudeCodeFigures? StatusLine { get; init; }

    /// <summary>The last <c>/cost</c> output recorded in the session's transcript; null when /cost was not run (or printed nothing readable).</summary>
    public ClaudeCodeFigures? CostCommand { get; init; }

    /// <summary>
    /// The source our figure is compared with: of the sources that give the figure, the one recorded last (Claude Code's
    /// counters only grow, so the later one covers more of the session); on equal times the status line (its token
    /// counts are exact, /cost's are rounded).
    /// </summary>
    internal ClaudeCodeFigures? ReferenceFor(Func<ClaudeCodeFigures, bool> gives)
    {
        ClaudeCodeFigures? best = null;
        foreach (var figures in new[] { StatusLine, CostCommand })
        {
            if (figures is null || !gives(figures)) continue;
            if (best is null || (figures.RecordedAt ?? DateTimeOffset.MinValue) > (best.RecordedAt ?? DateTimeOffset.MinValue)) best = figures;
        }
        return best;
    }

    public override string ToString() => string.Join("; ", new[] { StatusLine, CostCommand }.OfType<ClaudeCodeFigures>().Select(Describe));

    private static string Describe(ClaudeCodeFigures f) =>
        f.Source + (f.CostUsd is decimal c ? $" ${c.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture)}" : "")
        + (f.OutputTokens is long o ? $" out {o.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}" : "");
}

/// <summary>
/// Our figures beside Claude Code's, one figure at a time: the cost, and the output tokens (the figure transcripts
/// undercount). Differences are ours minus Claude Code's, so a negative difference means ours is lower.
/// </summary>
public sealed record ClaudeCodeVerification
{
    /// <summary><see cref="SessionStats.EstimatedCostUsd"/> against Claude Code's <c>cost_usd</c>; null when no source gave a cost.</summary>
    public ClaudeCodeCheck? Cost { get; init; }

    /// <summary><see cref="SessionStats.OutputTokens"/> against Claude Code's <c>output_tokens</c>; null when no source gave them.</summary>
    public ClaudeCodeCheck? OutputTokens { get; init; }

    /// <summary>The checks of <paramref name="stats"/>, or null when it holds no Claude Code figure to check against.</summary>
    public static ClaudeCodeVerification? Of(SessionStats stats)
    {
        if (stats.ClaudeCode is not { } report) return null;
        var cost = report.ReferenceFor(f => f.CostUsd.HasValue) is { } c
            ? new ClaudeCodeCheck(ClaudeCodeCheck.CostFigure, c.Source, c.RecordedAt, UnroundedCost(stats), c.CostUsd!.Value, Rounded: false)
            : null;
        var output = report.ReferenceFor(f => f.OutputTokens.HasValue) is { } o
            ? new ClaudeCodeCheck(ClaudeCodeCheck.OutputTokensFigure, o.Source, o.RecordedAt, stats.OutputTokens, o.OutputTokens!.Value, o.TokensRounded)
            : null;
        return cost is null && output is null ? null : new ClaudeCodeVerification { Cost = cost, OutputTokens = output };
    }

    public override string ToString() => string.Join("; ", new[] { Cost, OutputTokens }.OfType<ClaudeCodeCheck>());

    /// <summary>
    /// Our cost before rounding to cents: the models' costs to the 4 decimals the session JSON publishes them with, so
    /// a session read back from its comment compares the same. Compared with Claude Code's unrounded figure, cents
    /// would make $0.1444 against $0.15 look 6.7% lower instead of 3.7%.
    /// </summary>
    private static decimal UnroundedCost(SessionStats stats) =>
        stats.Models.Count > 0 && stats.Models.Sum(m => Math.Round(m.CostUsd ?? 0m, 4)) is var sum
                               && Math.Abs(sum - stats.EstimatedCostUsd) <= 0.005m + 0.00005m * stats.Models.Count
            ? sum
            : stats.EstimatedCostUsd; // no models, or models that do not add up to the total (a row read back): the total as published
}

/// <summary>One figure, ours and Claude Code's.</summary>
/// <param name="Figure"><see cref="CostFigure"/> or <see cref="OutputTokensFigure"/>.</param>
/// <param name="Source">Where Claude Code's figure comes from (<see cref="ClaudeCodeFigureSources"/>).</param>
/// <param name="RecordedAt">When Claude Code produced its figure: lines after that are not in it.</param>
/// <param name="Ours">Our figure (cost in dollars before rounding to cents; tokens).</param>
/// <param name="ClaudeCode">Claude Code's figure.</param>
/// <param name="Rounded">True when Claude Code printed its figure rounded (/cost's "15.7k").</param>
public sealed record ClaudeCodeCheck(string Figure, string Source, DateTimeOffset? RecordedAt, decimal Ours, decimal ClaudeCode, bool Rounded)
{
    public const string CostFigure = "cost_usd";
    public const string OutputTokensFigure = "output_tokens";

    /// <summary>Ours minus Claude Code's: negative when ours is lower.</summary>
    public decimal OursMinusClaudeCode => Ours - ClaudeCode;

    /// <summary>The difference as a percentage of Claude Code's figure, one decimal; null when Claude Code's figure is 0.</summary>
    public decimal? OursMinusClaudeCodePercent => Percent(Ours, ClaudeCode);

    /// <summary>(ours − Claude Code's) as a percentage of Claude Code's figure, one decimal; null when Claude Code's is 0.</summary>
    public static decimal? Percent(decimal ours, decimal claudeCode) =>
        claudeCode == 0 ? null : Math.Round((ours - claudeCode) / claudeCode * 100m, 1, MidpointRounding.AwayFromZero);

    public override string ToString() =>
        $"{Figure}: ours {Ours.ToString(System.Globalization.CultureInfo.InvariantCulture)}, Claude Code {ClaudeCode.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({Source})"
        + (OursMinusClaudeCodePercent is decimal p ? $", {p.ToString("+0.0;-0.0;0", System.Globalization.CultureInfo.InvariantCulture)}%" : "");
}
