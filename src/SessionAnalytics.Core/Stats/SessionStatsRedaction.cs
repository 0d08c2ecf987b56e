using SessionAnalytics.Core.Redaction;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// <c>SecretRedactor.Redact(SessionStats)</c>: the text redactor lives below Stats (Core/Redaction), so redacting a
/// whole session is declared here, as a static extension of <see cref="SecretRedactor"/> that keeps the call as it was.
/// </summary>
public static class SessionStatsRedaction
{
    extension(SecretRedactor)
    {
        /// <summary>
        /// A copy of <paramref name="stats"/> whose every text (ids, names, descriptions, messages, dictionary keys) is
        /// redacted; numbers are untouched. Dictionary keys that redact to the same text add their counts.
        /// </summary>
        public static SessionStats Redact(SessionStats stats) => CopyOf(stats, SecretRedactor.Redact);

        /// <summary>A field-by-field copy with <paramref name="text"/> applied to every string (identity when null).</summary>
        internal static SessionStats CopyOf(SessionStats s, Func<string?, string?>? text = null, string? targetType = null, int? targetNumber = null, bool overrideTarget = false)
        {
            text ??= t => t;
            string T(string value) => text(value) ?? "";
            return new SessionStats
            {
                SessionId = T(s.SessionId),
                Project = text(s.Project),
                Branch = text(s.Branch),
                TargetType = overrideTarget ? targetType : text(s.TargetType),
                TargetNumber = overrideTarget ? targetNumber : s.TargetNumber,
                StartedAt = s.StartedAt,
                EndedAt = s.EndedAt,
                DurationMinutes = s.DurationMinutes,
                ActiveMinutes = s.ActiveMinutes,
                InputTokens = s.InputTokens,
                OutputTokens = s.OutputTokens,
                CacheCreationTokens = s.CacheCreationTokens,
                CacheReadTokens = s.CacheReadTokens,
                EstimatedCostUsd = s.EstimatedCostUsd,
                MessageCount = s.MessageCount,
                Cwd = text(s.Cwd),
                Version = text(s.Version),
                Models = s.Models.Select(m => new ModelUsage
                {
                    Model = T(m.Model),
                    Messages = m.Messages,
                    InputTokens = m.InputTokens,
                    OutputTokens = m.OutputTokens,
                    CacheCreationTokens = m.CacheCreationTokens,
                    CacheCreation1hTokens = m.CacheCreation1hTokens,
                    CacheReadTokens = m.CacheReadTokens,
                    CostUsd = m.CostUsd,
                }).ToList(),
                Tools = Counts(s.Tools, T),
                SkillsInvoked = s.SkillsInvoked.Select(k => new SkillUsage
                {
                    Skill = T(k.Skill),
                    Count = k.Count,
                    Status = T(k.Status),
                    InputTokens = k.InputTokens,
                    OutputTokens = k.OutputTokens,
                }).ToList(),
                SkillSequence = s.SkillSequence.Select(T).ToList(),
                Subagents = s.Subagents.Select(a => new SubagentUsage
                {
                    Id = T(a.Id),
                    Type = text(a.Type),
                    Model = text(a.Model),
                    InputTokens = a.InputTokens,
                    OutputTokens = a.OutputTokens,
                    CacheCreationTokens = a.CacheCreationTokens,
                    CacheReadTokens = a.CacheReadTokens,
                    TotalTokens = a.TotalTokens,
                    DurationMs = a.DurationMs,
                    ToolUseCount = a.ToolUseCount,
                    Description = text(a.Description),
                    Source = T(a.Source),
                }).ToList(),
                Commits = s.Commits.Select(c => new CommitRecord { Sha = T(c.Sha), Message = T(c.Message), Branch = text(c.Branch) }).ToList(),
                ProblemsFaced = s.ProblemsFaced.Select(p => new ProblemRecord
                {
                    Description = T(p.Description),
                    Resolved = p.Resolved,
                    Iterations = p.Iterations,
                    Kind = text(p.Kind),
                }).ToList(),
                WorkflowEdges = MergeFamilies(s.WorkflowEdges, T),
                UnpricedModels = s.UnpricedModels.Select(T).ToList(),
                Branches = s.Branches.Select(T).ToList(),
                TranscriptPaths = s.TranscriptPaths.Select(T).ToList(),
            };
        }

        private static Dictionary<string, int> Counts(IReadOnlyDictionary<string, int> source, Func<string, string> text)
        {
            var result = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (key, count) in source)
            {
                var k = text(key);
                result[k] = result.TryGetValue(k, out var existing) ? existing + count : count;
            }
            return result;
        }

        private static Dictionary<string, IReadOnlyDictionary<string, int>> MergeFamilies(
            IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> source, Func<string, string> text)
        {
            var merged = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
            foreach (var (family, edges) in source)
            {
                var target = merged.TryGetValue(text(family), out var m) ? m : merged[text(family)] = new(StringComparer.Ordinal);
                foreach (var (edge, count) in Counts(edges, text))
                    target[edge] = target.TryGetValue(edge, out var existing) ? existing + count : count;
            }
            return merged.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal);
        }
    }
}
