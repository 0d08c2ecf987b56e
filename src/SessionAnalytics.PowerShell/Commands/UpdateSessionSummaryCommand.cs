using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Recomputes the pinned summary comment of a PR or issue from every session comment on it and creates or updates
/// it; never incremental, and convergent when several publishers write at once.
/// </summary>
[Cmdlet(VerbsData.Update, "SessionSummary", DefaultParameterSetName = PrSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Update-SessionSummary.md")]
[OutputType(typeof(SessionSummaryResult))]
public sealed class UpdateSessionSummaryCommand : GitHubCommandBase
{
    private const string PrSet = "Pr";
    private const string IssueSet = "Issue";
    private const string ResultSet = "Result";

    private readonly List<GitHubTargetRequest> _requests = [];

    /// <summary>The pull request whose summary to refresh.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PrSet)]
    [Alias("PullRequest")]
    [ValidateRange(1, int.MaxValue)]
    public int Pr { get; set; }

    /// <summary>The issue whose summary to refresh.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IssueSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Issue { get; set; }

    /// <summary>Results of Publish-SessionComment -NoSummary: each distinct PR/issue among them is refreshed once, at the end.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ResultSet)]
    [ValidateNotNull]
    public SessionCommentResult[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            switch (ParameterSetName)
            {
                case ResultSet:
                    foreach (var result in InputObject!)
                    {
                        if (result is null) continue;
                        var repository = RepositoryResolver.Resolve(result.Repository, null, CurrentDirectory);
                        var kind = result.TargetType == "issue" ? GitHubTargetKind.Issue : GitHubTargetKind.PullRequest;
                        Add(TargetResolver.Describe(repository, kind, result.Number, null));
                    }
                    break;
                default:
                    var repo = RepositoryResolver.Resolve(Repository, null, CurrentDirectory);
                    Add(ParameterSetName == IssueSet
                        ? TargetResolver.Describe(repo, GitHubTargetKind.Issue, Issue, null)
                        : TargetResolver.Describe(repo, GitHubTargetKind.PullRequest, Pr, null));
                    break;
            }
        }
        catch (EngineException e)
        {
            ReportItemFailure(e);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var request in _requests)
        {
            if (!ShouldProcess(request.ToString(), "Recompute and write the session summary comment")) continue;
            try
            {
                var api = Api;
                var result = Await(async ct =>
                {
                    var target = await TargetResolver.ResolveAsync(request, api, ct).ConfigureAwait(false);
                    return await new SessionSummaryUpdater(api, SummaryOptions).UpdateAsync(target, ct).ConfigureAwait(false);
                });
                WriteObject(result);
            }
            catch (EngineException e)
            {
                ReportItemFailure(e);
            }
        }
        CompleteListingProgress();
    }

    private void Add(GitHubTargetRequest request)
    {
        if (!_requests.Any(r => r.Repository.FullName.Equals(request.Repository.FullName, StringComparison.OrdinalIgnoreCase) && r.Number == request.Number))
            _requests.Add(request);
    }
}
