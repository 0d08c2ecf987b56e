using System.Text;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Comments;

/// <summary>
/// The HTML comments that identify the module's GitHub comments (design, "Reliability Guarantees" 3):
/// <c>&lt;!-- SESSION:00b11888 --&gt;</c> on the first line of a per-session comment and
/// <c>&lt;!-- SESSION_SUMMARY --&gt;</c> on the first line of the pinned summary.
/// </summary>
public static class CommentMarkers
{
    public const string SummaryMarker = "<!-- SESSION_SUMMARY -->";
    public const string SessionMarkerPrefix = "<!-- SESSION:";
    public const string MarkerSuffix = " -->";

    /// <summary>
    /// The id the marker carries: the session's short id (first 8 characters), with anything but letters, digits,
    /// <c>.</c>, <c>_</c> and <c>-</c> replaced by <c>_</c> so an odd session id can never close the HTML comment.
    /// </summary>
    public static string MarkerId(string sessionId)
    {
        var shortId = SessionStats.ShortId(sessionId);
        var sb = new StringBuilder(shortId.Length);
        foreach (var c in shortId) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return sb.Length == 0 ? "_" : sb.ToString();
    }

    public static string SessionMarker(string sessionId) => SessionMarkerPrefix + MarkerId(sessionId) + MarkerSuffix;
}
