namespace SessionAnalytics.Core.Transcripts;

public enum TranscriptFileKind { Main, Subagent, Compaction }

/// <summary>What a transcript file is, from its name and place in the Claude Code layout.</summary>
public static class TranscriptFile
{
    public static TranscriptFileKind KindOf(string path, string mainTranscript)
    {
        if (string.Equals(Path.GetFullPath(path), Path.GetFullPath(mainTranscript), StringComparison.Ordinal)) return TranscriptFileKind.Main;
        var agent = AgentIdOf(path);
        return agent is not null && IsCompactionAgent(agent) ? TranscriptFileKind.Compaction : TranscriptFileKind.Subagent;
    }

    /// <summary>agent-aac57f5.jsonl → aac57f5; agent-acompact-946d2b.jsonl → acompact-946d2b; anything else → null.</summary>
    public static string? AgentIdOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.StartsWith("agent-", StringComparison.Ordinal) ? name["agent-".Length..] : null;
    }

    public static bool IsCompactionAgent(string agentId) => agentId.StartsWith("acompact", StringComparison.Ordinal);

    public static bool IsAgentFile(string path) => Path.GetFileName(path).StartsWith("agent-", StringComparison.Ordinal);

    /// <summary>Session ids of the other main transcripts in the same project directory.</summary>
    public static IReadOnlySet<string> SiblingSessionIds(string mainTranscript)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var dir = Path.GetDirectoryName(Path.GetFullPath(mainTranscript));
        if (dir is null) return set;
        try
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*.jsonl"))
                if (!IsAgentFile(f)) set.Add(Path.GetFileNameWithoutExtension(f));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        set.Remove(Path.GetFileNameWithoutExtension(mainTranscript));
        return set;
    }
}
