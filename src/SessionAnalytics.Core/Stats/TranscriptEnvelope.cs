using System.Text.Json;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// The top-level fields of a line that carries nothing billable (progress, file-history-snapshot, queue-operation,
/// summary), read with a forward-only reader instead of a full <see cref="JsonDocument"/>. Progress lines are about
/// half of all lines and a third of the bytes of a transcript (agent_progress replays whole subagent responses), and
/// only their envelope matters: time, session, cwd, version and branch. The one exception is an agent_progress line
/// replaying a subagent whose own transcript is missing (<see cref="ReplaysMissingAgent"/>): its replayed response is
/// then the only record of that usage, and the line is read in full.
/// </summary>
internal readonly record struct TranscriptEnvelope(string? Type, string? SessionId, DateTimeOffset? Timestamp, string? Cwd, string? Version, string? GitBranch,
    bool ReplaysMissingAgent = false)
{
    /// <summary>
    /// True when the line is an object whose top-level "type" says it carries nothing billable; the envelope is then
    /// complete. Stops reading as soon as "type" says otherwise (it comes before the message in Claude Code's lines),
    /// so a line that needs a full parse costs only its first few fields here.
    /// </summary>
    /// <param name="agentsWithTranscripts">The UTF-8 agent ids of the session's subagent files.</param>
    public static bool TryReadNonBillable(ReadOnlySpan<byte> json, IReadOnlyList<byte[]> agentsWithTranscripts, out TranscriptEnvelope envelope)
    {
        envelope = default;
        string? type = null, sessionId = null, cwd = null, version = null, branch = null;
        DateTimeOffset? timestamp = null;
        bool agentProgress = false, agentNamed = false, agentHasTranscript = false;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return false;
                    if (!(reader.ValueTextEquals("progress"u8) || reader.ValueTextEquals("file-history-snapshot"u8) ||
                          reader.ValueTextEquals("queue-operation"u8) || reader.ValueTextEquals("summary"u8))) return false;
                    type = reader.GetString();
                }
                else if (reader.ValueTextEquals("timestamp"u8)) { reader.Read(); if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t)) timestamp = t; }
                else if (reader.ValueTextEquals("sessionId"u8)) { reader.Read(); sessionId = StringOrNull(ref reader); }
                else if (reader.ValueTextEquals("cwd"u8)) { reader.Read(); cwd = StringOrNull(ref reader); }
                else if (reader.ValueTextEquals("version"u8)) { reader.Read(); version = StringOrNull(ref reader); }
                else if (reader.ValueTextEquals("gitBranch"u8)) { reader.Read(); branch = StringOrNull(ref reader); }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("type"u8)) { reader.Read(); agentProgress = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("agent_progress"u8); }
                        else if (reader.ValueTextEquals("agentId"u8))
                        {
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.String) continue;
                            agentNamed = true;
                            foreach (var agent in agentsWithTranscripts)
                                if (reader.ValueTextEquals(agent)) { agentHasTranscript = true; break; }
                        }
                        else { reader.Read(); reader.Skip(); }
                    }
                }
                else { reader.Read(); reader.Skip(); }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || type is null) return false;
        }
        catch (JsonException)
        {
            return false; // the full parse reports it
        }
        envelope = new TranscriptEnvelope(type, sessionId, timestamp, cwd, version, branch, agentProgress && agentNamed && !agentHasTranscript);
        return true;
    }

    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = TranscriptLines.MaxNestingDepth,
    };

    private static string? StringOrNull(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
}
