using System.Collections;
using System.Management.Automation;
using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Core.Pricing;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;
using SessionAnalytics.Core.Transcripts;
using SessionAnalytics.Core.Workflows;
using SessionAnalytics.PowerShell.Infrastructure;

namespace SessionAnalytics.PowerShell.Commands;

/// <summary>
/// Posts each session's comment to its PR or issue, or updates the one already there (found by its marker and
/// session id among the comments this account can edit), then refreshes the pinned summary of every PR/issue touched.
/// </summary>
[Cmdlet(VerbsData.Publish, "SessionComment", DefaultParameterSetName = AutoSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/Publish-SessionComment.md")]
[OutputType(typeof(SessionCommentResult))]
public sealed class PublishSessionCommentCommand : GitHubCommandBase
{
    private const string AutoSet = "Auto";
    private const string PrSet = "Pr";
    private const string IssueSet = "Issue";

    private readonly List<GitHubTarget> _published = [];
    // Targets a -WhatIf run would have published to, in order: their summary refresh is announced at the end, as it runs.
    private readonly List<string> _notPublished = [];
    /// <summary>Targets already checked or found, by request: many sessions of one branch cost one lookup.</summary>
    private readonly Dictionary<string, GitHubTarget> _targets = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? _edges;
    private string? _skillsPath;
    private SessionStatsCalculator? _calculator;
    private int _received;

    /// <summary>Sessions from Get-ClaudeSession; they are measured first (as ConvertTo-SessionStats does with its defaults).</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public ClaudeSession[]? Session { get; set; }

    /// <summary>Session statistics from ConvertTo-SessionStats.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("InputObject")]
    [ValidateNotNull]
    public SessionStats[]? Stats { get; set; }

    /// <summary>The pull request to comment on.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PrSet)]
    [Alias("PullRequest")]
    [ValidateRange(1, int.MaxValue)]
    public int Pr { get; set; }

    /// <summary>The issue to comment on.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IssueSet)]
    [ValidateRange(1, int.MaxValue)]
    public int Issue { get; set; }

    /// <summary>The skills directory whose SKILL.md files hold the workflow templates.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SkillsPath { get; set; }

    /// <summary>Workflow edges to use instead of deriving them: @{ family = @{ 'FROM->TO' = count } }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? WorkflowEdges { get; set; }

    /// <summary>Do not refresh the pinned summary afterwards.</summary>
    [Parameter]
    public SwitchParameter NoSummary { get; set; }

    /// <summary>Replace the existing comment even when it holds more data than this run measured.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        _skillsPath = ResolveSkillsPath(SkillsPath);
        if (WorkflowEdges is not null) _edges = Engine(() => WorkflowEdgesArgument.Convert(WorkflowEdges));
    }

    protected override void ProcessRecord()
    {
        foreach (var session in Session ?? [])
        {
            if (session is null) continue;
            _received++;
            SessionStats stats;
            try
            {
                _calculator ??= new SessionStatsCalculator(PricingTable.Default, Diagnostics,
                    StatsOptions.WithRecorderLocations(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));
                stats = _calculator.Calculate(session, Stopping);
                Diagnostics.Flush();
            }
            catch (EngineException e)
            {
                ReportItemFailure(e);
                continue;
            }
            PublishOne(stats);
        }
        foreach (var stats in Stats ?? [])
        {
            if (stats is null) continue;
            _received++;
            PublishOne(stats);
        }
    }

    protected override void EndProcessing()
    {
        if (_received == 0) WriteVerbose("No sessions came in: nothing to publish.");
        if (NoSummary) return;
        // Under -WhatIf, also say that each target's summary would be refreshed (once per target, after its comments).
        foreach (var request in _notPublished) ShouldProcess(request, "Refresh the session summary comment");
        foreach (var target in _published.DistinctBy(t => (t.Repository.FullName.ToLowerInvariant(), t.Number)))
        {
            if (!ShouldProcess(target.ToString(), "Refresh the session summary comment")) continue;
            try
            {
                var result = Await(ct => new SessionSummaryUpdater(Api, SummaryOptions).UpdateAsync(target, ct));
                WriteVerbose($"Summary of {target}: {result.Action}, {result.SessionCount} session(s), ${result.TotalCostUsd:0.00} {result.Url}" +
                             (result.UntrustedComments + result.SkippedComments > 0 ? $"; not counted: {result.UntrustedComments} by other authors, {result.SkippedComments} unreadable" : ""));
            }
            catch (EngineException e)
            {
                ReportItemFailure(e);
            }
        }
        CompleteListingProgress();
    }

    private void PublishOne(SessionStats stats)
    {
        try
        {
            var repository = RepositoryResolver.Resolve(Repository, stats.Cwd, CurrentDirectory);
            var request = TargetResolver.Describe(repository, Kind, Number, stats.Branch, stats.TargetType, stats.TargetNumber);
            // Exactly what ConvertTo-SessionComment renders: a redacted copy (the diagram generator writes the edges it
            // drew into it), diagrams from the skills directory, the target in the JSON.
            var working = SecretRedactor.Redact(stats);
            var skillsPath = _skillsPath ?? WorkflowDiagramGenerator.ResolveSkillsPath(null, stats.Cwd, CurrentDirectory);
            var diagrams = WorkflowDiagramGenerator.Generate(working, skillsPath, _edges, Diagnostics);
            var body = Render(working, diagrams, request.Kind, request.Number, Diagnostics);
            Diagnostics.Flush();

            if (!ShouldProcess(request.ToString(), $"Publish the comment of session {stats.SessionIdShort} ({body.Length:N0} characters)"))
            {
                WriteVerbose($"Session {stats.SessionId}: not published to {request}. The comment would be:{Environment.NewLine}{body}");
                if (IsWhatIf && !_notPublished.Contains(request.ToString(), StringComparer.OrdinalIgnoreCase)) _notPublished.Add(request.ToString());
                return;
            }

            var api = Api;
            if (!_targets.TryGetValue(request.ToString(), out var target))
                _targets[request.ToString()] = target = Await(ct => TargetResolver.ResolveAsync(request, api, ct));
            if (request.Number is null) body = Render(working, diagrams, target.Kind, target.Number, Diagnostics);
            var publisher = new SessionCommentPublisher(api, new SessionCommentPublisherOptions { IntegrationLogin = IntegrationLogin, Force = Force });
            var result = Await(ct => publisher.PublishAsync(target, working, body, ct));
            _published.Add(target);
            WriteObject(result);
        }
        catch (EngineException e)
        {
            ReportItemFailure(e);
        }
    }

    private static string Render(SessionStats stats, IReadOnlyList<WorkflowDiagram> diagrams, GitHubTargetKind? kind, int? number, IDiagnostics diagnostics)
    {
        var rendered = SessionCommentRenderer.RenderDetailed(stats, diagrams, new SessionCommentOptions
        {
            TargetType = number is null ? null : kind == GitHubTargetKind.Issue ? "issue" : "pr",
            TargetNumber = number,
        });
        if (rendered.Degradation != CommentDegradation.None && number is not null)
            diagnostics.Warning($"Session {stats.SessionIdShort}: the comment was shortened to fit GitHub's limit ({rendered.Degradation}); its Session Data JSON is complete.");
        return rendered.Body;
    }

    private bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private GitHubTargetKind? Kind => ParameterSetName switch
    {
        PrSet => GitHubTargetKind.PullRequest,
        IssueSet => GitHubTargetKind.Issue,
        _ => null,
    };

    private int? Number => ParameterSetName switch
    {
        PrSet => Pr,
        IssueSet => Issue,
        _ => null,
    };
}
