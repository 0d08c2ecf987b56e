using System.Diagnostics.CodeAnalysis;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// Reads a per-session comment back: the marker identifies it, the JSON in "Session Data (JSON)" is the data
/// (the tables above it are for people and may be shortened). <c>TryParse(Render(s))</c> gives back every field
/// of the (redacted) stats that <see cref="SessionStatsJson"/> carries.
/// </summary>
public static class SessionCommentParser
{
    /// <summary>True when the body carries a per-session marker as a top-level HTML comment.</summary>
    public static bool IsSessionComment(string? body) => GetMarkerShortId(body) is not null;

    /// <summary>The id in <c>&lt;!-- SESSION:id --&gt;</c> (the session's short id), or null when the body has no marker.</summary>
    public static string? GetMarkerShortId(string? body)
    {
        // Cheap rejection first: a PR may have hundreds of comments, most of them not ours.
        if (string.IsNullOrEmpty(body) || !body.Contains(CommentMarkers.SessionMarkerPrefix, StringComparison.Ordinal)) return null;
        return CommentDocument.SessionMarkerId(CommentDocument.Parse(body));
    }

    /// <summary>
    /// Parses the comment's JSON. False with <paramref name="error"/> when the body has no marker, no JSON block,
    /// invalid JSON, JSON for another session than the marker names, or figures outside
    /// <see cref="SessionFigureBounds"/> (negative, or more than any session can hold).
    /// </summary>
    public static bool TryParse(string? body, [NotNullWhen(true)] out SessionStats? stats, [NotNullWhen(false)] out string? error)
    {
        stats = null;
        if (string.IsNullOrEmpty(body)) { error = "The comment is empty."; return false; }
        if (!body.Contains(CommentMarkers.SessionMarkerPrefix, StringComparison.Ordinal))
        {
            error = "The comment has no <!-- SESSION:... --> marker.";
            return false;
        }
        var doc = CommentDocument.Parse(body);
        var markerId = CommentDocument.SessionMarkerId(doc);
        if (markerId is null) { error = "The comment has no <!-- SESSION:... --> marker."; return false; }
        var json = CommentDocument.JsonBlock(doc, SessionCommentRenderer.JsonSummaryText, out error);
        if (json is null) { error ??= "The comment has no JSON block."; return false; }
        try
        {
            stats = SessionStatsJson.Read(json);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            error = $"The Session Data JSON of session {markerId} is not readable: {e.Message}";
            return false;
        }
        if (CommentMarkers.MarkerId(stats.SessionId) != markerId)
        {
            error = $"The marker names session {markerId} but the JSON holds session {stats.SessionId}.";
            stats = null;
            return false;
        }
        if (SessionFigureBounds.Check(stats) is { } outOfBounds)
        {
            error = $"The Session Data JSON of session {markerId} holds figures no session can have: {outOfBounds}";
            stats = null;
            return false;
        }
        error = null;
        return true;
    }
}
