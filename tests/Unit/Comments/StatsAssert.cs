using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Comments;

/// <summary>Field-by-field equality of everything the per-session JSON carries (TranscriptPaths stay local by design).</summary>
internal static class StatsAssert
{
    public static void Equal(SessionStats expected, SessionStats actual)
    {
        Assert.Equal(expected.SessionId, actual.SessionId);
        Assert.Equal(expected.SessionIdShort, actual.SessionIdShort);
        Assert.Equal(expected.Project, actual.Project);
        Assert.Equal(expected.Branch, actual.Branch);
        Assert.Equal(expected.TargetType, actual.TargetType);
        Assert.Equal(expected.TargetNumber, actual.TargetNumber);
        Assert.Equal(expected.StartedAt, actual.StartedAt);
        Assert.Equal(expected.EndedAt, actual.EndedAt);
        Assert.Equal(expected.DurationMinutes, actual.DurationMinutes);
        Assert.Equal(expected.ActiveMinutes, actual.ActiveMinutes);
        Assert.Equal(expected.InputTokens, actual.InputTokens);
        Assert.Equal(expected.OutputTokens, actual.OutputTokens);
        Assert.Equal(expected.CacheCreationTokens, actual.CacheCreationTokens);
        Assert.Equal(expected.CacheReadTokens, actual.CacheReadTokens);
        Assert.Equal(expected.EstimatedCostUsd, actual.EstimatedCostUsd);
        Assert.Equal(expected.MessageCount, actual.MessageCount);
        Assert.Equal(expected.Cwd, actual.Cwd);
        Assert.Equal(expected.Version, actual.Version);

        Assert.Equal(expected.Models.Count, actual.Models.Count);
        for (int i = 0; i < expected.Models.Count; i++)
        {
            var (e, a) = (expected.Models[i], actual.Models[i]);
            Assert.Equal(e.Model, a.Model);
            Assert.Equal(e.Messages, a.Messages);
            Assert.Equal(e.InputTokens, a.InputTokens);
            Assert.Equal(e.OutputTokens, a.OutputTokens);
            Assert.Equal(e.CacheCreationTokens, a.CacheCreationTokens);
            Assert.Equal(e.CacheCreation1hTokens, a.CacheCreation1hTokens);
            Assert.Equal(e.CacheReadTokens, a.CacheReadTokens);
            Assert.Equal(e.CostUsd, a.CostUsd);
        }

        Assert.Equal(expected.Tools.OrderBy(t => t.Key, StringComparer.Ordinal), actual.Tools.OrderBy(t => t.Key, StringComparer.Ordinal));

        Assert.Equal(expected.SkillsInvoked.Count, actual.SkillsInvoked.Count);
        for (int i = 0; i < expected.SkillsInvoked.Count; i++)
        {
            var (e, a) = (expected.SkillsInvoked[i], actual.SkillsInvoked[i]);
            Assert.Equal(e.Skill, a.Skill);
            Assert.Equal(e.Count, a.Count);
            Assert.Equal(e.Status, a.Status);
            Assert.Equal(e.InputTokens, a.InputTokens);
            Assert.Equal(e.OutputTokens, a.OutputTokens);
        }
        Assert.Equal(expected.SkillSequence, actual.SkillSequence);

        Assert.Equal(expected.Subagents.Count, actual.Subagents.Count);
        for (int i = 0; i < expected.Subagents.Count; i++)
        {
            var (e, a) = (expected.Subagents[i], actual.Subagents[i]);
            Assert.Equal(e.Id, a.Id);
            Assert.Equal(e.Type, a.Type);
            Assert.Equal(e.Model, a.Model);
            Assert.Equal(e.InputTokens, a.InputTokens);
            Assert.Equal(e.OutputTokens, a.OutputTokens);
            Assert.Equal(e.CacheCreationTokens, a.CacheCreationTokens);
            Assert.Equal(e.CacheReadTokens, a.CacheReadTokens);
            Assert.Equal(e.TotalTokens, a.TotalTokens);
            Assert.Equal(e.DurationMs, a.DurationMs);
            Assert.Equal(e.ToolUseCount, a.ToolUseCount);
            Assert.Equal(e.Description, a.Description);
            Assert.Equal(e.Source, a.Source);
        }

        Assert.Equal(expected.Commits.Count, actual.Commits.Count);
        for (int i = 0; i < expected.Commits.Count; i++)
        {
            Assert.Equal(expected.Commits[i].Sha, actual.Commits[i].Sha);
            Assert.Equal(expected.Commits[i].Message, actual.Commits[i].Message);
            Assert.Equal(expected.Commits[i].Branch, actual.Commits[i].Branch);
        }

        Assert.Equal(expected.ProblemsFaced.Count, actual.ProblemsFaced.Count);
        for (int i = 0; i < expected.ProblemsFaced.Count; i++)
        {
            var (e, a) = (expected.ProblemsFaced[i], actual.ProblemsFaced[i]);
            Assert.Equal(e.Description, a.Description);
            Assert.Equal(e.Resolved, a.Resolved);
            Assert.Equal(e.Iterations, a.Iterations);
            Assert.Equal(e.Kind, a.Kind);
        }

        Assert.Equal(expected.WorkflowEdges.Keys.Order(StringComparer.Ordinal), actual.WorkflowEdges.Keys.Order(StringComparer.Ordinal));
        foreach (var (family, edges) in expected.WorkflowEdges)
            Assert.Equal(edges.ToList(), actual.WorkflowEdges[family].ToList());

        Assert.Equal(expected.UnpricedModels, actual.UnpricedModels);
        Assert.Equal(expected.Branches, actual.Branches);
    }
}
