using System.Text.Json;
using SessionAnalytics.Core.Transcripts;

namespace SessionAnalytics.Core.Stats;

/// <summary>
/// The envelope of a line that carries nothing billable (progress, file-history-snapshot, queue-operation, summary),
/// read with a forward-only reader instead of a full <see cref="JsonDocument"/>. Progress lines are about half of all
/// lines and a third of the bytes of a transcript (agent_progress replays whole subagent responses), and only their
/// envelope matters: time, session, cwd, version and branch (read by <see cref="LineEnvelope"/>). The one exception is
/// an agent_progress line replaying a subagent whose own transcript is missing (<see cref="ReplaysMissingAgent"/>): its
/// replayed response is then the only record of that usage, and the line is read in full.
/// </summary>
internal readonly record struct TranscriptEnvelope(LineEnvelope Fields, bool ReplaysMissingAgent = false)
{
    public string? SessionId => Fields.SessionId;
    public DateTimeOffset? Timestamp => Fields.Timestamp;
    public string? Cwd => Fields.Cwd;
    public string? Version => Fields.Version;
    public string? GitBranch => Fields.GitBranch;

    /// <summary>
    /// True when the line is an object whose top-level "type" says it carries nothing billable; the envelope is then
    /// complete. Stops reading as soon as "type" says otherwise (it comes before the message in Claude Code's lines),
    /// so a line that needs a full parse costs only its first few fields here.
    /// </summary>
    /// <param name="agentsWithTranscripts">The UTF-8 agent ids of the session's subagent files.</param>
    /// <param name="strings">The strings of the file's repeated values (one per file being read).</param>
    public static bool TryReadNonBillable(ReadOnlySpan<byte> json, IReadOnlyList<byte[]> agentsWithTranscripts, RepeatedStrings strings, out TranscriptEnvelope envelope)
    {
        envelope = default;
        var fields = new LineEnvelope.Builder(LineEnvelope.Fields.All, strings);
        bool typed = false, agentProgress = false, agentNamed = false, agentHasTranscript = false;
        try
        {
            var reader = new Utf8JsonReader(json, LineEnvelope.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return false;
                    if (!(reader.ValueTextEquals("progress"u8) || reader.ValueTextEquals("file-history-snapshot"u8) ||
                          reader.ValueTextEquals("queue-operation"u8) || reader.ValueTextEquals("summary"u8))) return false;
                    typed = true;
                }
                else if (LineEnvelope.TryReadField(ref reader, ref fields)) { }
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
                            if (reader.TokenType != JsonTokenType.String) { reader.Skip(); continue; }
                            agentNamed = true;
                            foreach (var agent in agentsWithTranscripts)
                                if (reader.ValueTextEquals(agent)) { agentHasTranscript = true; break; }
                        }
                        else { reader.Read(); reader.Skip(); }
                    }
                }
                else { reader.Read(); reader.Skip(); }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !typed) return false;
        }
        catch (JsonException)
        {
            return false; // the full parse reports it
        }
        envelope = new TranscriptEnvelope(fields.Build(), agentProgress && agentNamed && !agentHasTranscript);
        return true;
    }
}
