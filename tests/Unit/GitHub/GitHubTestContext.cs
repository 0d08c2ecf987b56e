using System.Collections.Concurrent;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// A fake GitHub with one repository (octo-org/widget), a user "octo" (token <see cref="Token"/>), a second user
/// "mallory", and PR #7 from branch fix/login. Retries wait no real time: the waits asked for are recorded.
/// </summary>
public sealed class GitHubTestContext : IAsyncDisposable
{
    public const string Token = "ghp_testTOKENvalue0123456789abcdefABCDEF";
    public const string OtherToken = "ghp_otherUSER0123456789abcdefABCDEFxyz";
    public const string Login = "octo";
    public const string OtherLogin = "mallory";
    public const int Pr = 7;

    private GitHubTestContext(FakeGitHubServer server)
    {
        Server = server;
        Server.Store.AddUser(Login, Token);
        Server.Store.AddUser(OtherLogin, OtherToken);
        Repo = Server.Store.AddRepository("octo-org", "widget");
        Repo.AddPullRequest("fix/login", number: Pr);
    }

    public FakeGitHubServer Server { get; }
    public FakeRepository Repo { get; }
    public RepositoryRef Repository => new("octo-org", "widget");
    public GitHubTarget Target => new(Repository, GitHubTargetKind.PullRequest, Pr);
    public CollectingDiagnostics Diagnostics { get; } = new();
    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public static async Task<GitHubTestContext> StartAsync() => new(await FakeGitHubServer.StartAsync());

    public GitHubRetryPolicy RetryPolicy => new()
    {
        Delay = (delay, _) => { Waits.Enqueue(delay); return Task.CompletedTask; },
    };

    public GitHubApi Api(string token = Token, IDiagnostics? diagnostics = null) => new(new GitHubApiSettings
    {
        ApiUrl = new Uri(Server.BaseUrl),
        Token = new GitHubToken(token, "-Token"),
        Diagnostics = diagnostics ?? Diagnostics,
        RetryPolicy = RetryPolicy,
    });

    public IReadOnlyList<FakeComment> Comments => Repo.CommentsOn(Pr);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
