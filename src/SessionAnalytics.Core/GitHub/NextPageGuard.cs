namespace SessionAnalytics.Core.GitHub;

/// <summary>
/// The one rule for following a listing's next-page links: a link already followed, or more than
/// <see cref="GitHubApi.MaxPages"/> pages, ends the listing (a misbehaving proxy or server) instead of looping.
/// </summary>
internal sealed class NextPageGuard
{
    private readonly HashSet<string> _followed = new(StringComparer.Ordinal);

    /// <summary>Null when <paramref name="next"/> may be read after <paramref name="pagesRead"/> pages; else why not
    /// ("do not end" or "repeat"), to finish the sentence "the server's next-page links ...".</summary>
    public string? Refuse(Uri next, int pagesRead) =>
        pagesRead >= GitHubApi.MaxPages ? "do not end"
        : !_followed.Add(next.ToString()) ? "repeat"
        : null;
}
