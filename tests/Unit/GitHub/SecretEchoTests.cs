using System.Collections;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Reflection;
using System.Security;
using System.Text.Json;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.GitHub;
using SessionAnalytics.Tests.FakeGitHub;
using SessionAnalytics.Tests.Fixtures;
using SessionAnalytics.Tests.Infrastructure;
using static SessionAnalytics.Tests.GitHub.GitHubFixtures;

namespace SessionAnalytics.Tests.GitHub;

/// <summary>
/// A server whose error body quotes the Authorization header it received, token and all. The token must not come
/// back out anywhere: not in an exception's message, its inner exceptions or any property of them, not in the
/// ErrorRecord (ErrorDetails, $Error[0].Exception.Message), the verbose stream, nor the SessionEnd hook's log.
/// </summary>
[Collection(GitHubEnvironmentCollection.Name)]
public sealed class SecretEchoTests : IAsyncLifetime
{
    private const string Secret = GitHubTestContext.Token;
    private readonly GitHubEnvironment _environment = new();
    private GitHubTestContext _ctx = null!;

    public async Task InitializeAsync() => _ctx = await GitHubTestContext.StartAsync();

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        _environment.Dispose();
    }


    /// <summary>
    /// Every text reachable from <paramref name="root"/> through public properties (depth-limited): a superset of what
    /// Get-Error prints, which walks an ErrorRecord's exception and inner exceptions property by property.
    /// </summary>
    private static List<string> Texts(object? root, int depth = 6)
    {
        var texts = new List<string>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        void Walk(object? o, int level)
        {
            if (o is null || level > depth) return;
            if (o is string s) { texts.Add(s); return; }
            var type = o.GetType();
            if (type.IsPrimitive || type.IsEnum || o is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Type or MemberInfo or Delegate) return;
            if (!seen.Add(o)) return;
            texts.Add(o.ToString() ?? "");
            if (o is IEnumerable items and not IDictionary<string, object>) { foreach (var item in items.Cast<object?>().Take(50)) Walk(item, level + 1); }
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (p.GetIndexParameters().Length > 0 || p.Name is "TargetSite" or "StackTrace" or "Data") continue;
                object? value;
                try { value = p.GetValue(o); } catch { continue; }
                Walk(value, level + 1);
            }
        }
        Walk(root, 0);
        return texts;
    }

    [Fact]
    public async Task The_engine_error_and_every_exception_inside_it_are_free_of_the_echoed_token()
    {
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.EchoingAuthorization(400));

        var e = await Assert.ThrowsAsync<EngineException>(() =>
            new SessionCommentPublisher(_ctx.Api()).PublishAsync(_ctx.Target, Session(Id(1)), Render(Session(Id(1)), _ctx.Target)));

        Assert.Contains("Authorization", e.Message); // the server's words are kept, its copy of the token is not
        Assert.NotNull(e.InnerException);
        var texts = Texts(e);
        Assert.DoesNotContain(texts, t => t.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_ctx.Diagnostics.VerboseMessages.Concat(_ctx.Diagnostics.Warnings), t => t.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(400, "GitHubRequestFailed")]       // a per-session failure: non-terminating
    [InlineData(401, "GitHubAuthenticationFailed")] // a rejected token: terminating
    public void Error_records_and_Error_0_hold_no_token(int status, string errorId)
    {
        using var host = new ModuleHost();
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.EchoingAuthorization(status), times: 3);

        var r = host.Run("$args[0] | Publish-SessionComment -Repository octo-org/widget -Pr 7 -ApiUrl $args[1] -Token $args[2] -NoSummary -Verbose",
            Session(Id(2)), _ctx.Server.BaseUrl, Secure(Secret));
        var shown = host.Run("$Error[0].Exception.Message; $Error[0].ErrorDetails.Message; \"$($Error[0])\"; $Error[0].Exception.ToString(); $Error[0].Exception.InnerException.Message");

        var record = Assert.Single(r.AllErrors);
        Assert.StartsWith(errorId + ",", record.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("Authorization", record.ErrorDetails.Message);
        var texts = Texts(record).Concat(r.Verbose).Concat(r.Warnings).Concat(shown.Output.Select(o => o.ToString() ?? "")).ToList();
        Assert.Contains(shown.Output, o => o.ToString()!.Contains("Authorization", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains(Secret, StringComparison.Ordinal));
    }

    /// <summary>
    /// The bash SessionEnd hook as Claude Code runs it (JSON on stdin), publishing through the runner in the
    /// background against the echoing server: its log holds the error, not the token, and only its owner may read it.
    /// </summary>
    [Fact]
    public async Task The_bash_hook_log_holds_no_token_and_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var home = new TempClaudeHome();
        var transcript = home.Write(new TranscriptBuilder(Id(3), cwd: "/nonexistent/widget", branch: "fix/login")
            .User("go").Assistant("claude-opus-4-6", new TranscriptBuilder.Usage(10, 20)));
        var log = Path.Combine(home.Root, "hook.log");
        _ctx.Server.Faults.Enqueue(FakeGitHubRoutes.ListIssueComments, FakeFault.EchoingAuthorization(400), times: 3);

        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = home.Root };
        start.ArgumentList.Add(Path.Combine(ModuleHost.RepoRoot, "integrations", "claude-code", "hooks", "session-end.sh"));
        start.Environment["SESSIONANALYTICS_RUNNER"] = RunnerDll;
        start.Environment["SESSIONANALYTICS_HOOK_LOG"] = log;
        start.Environment["SESSIONANALYTICS_PUBLISH_ARGS"] = "-Repository octo-org/widget -Pr 7 -NoSummary -Verbose";
        start.Environment["GH_TOKEN"] = Secret;
        start.Environment["GITHUB_API_URL"] = _ctx.Server.BaseUrl;
        using (var hook = Process.Start(start)!)
        {
            await hook.StandardInput.WriteLineAsync(JsonSerializer.Serialize(new { session_id = Id(3), transcript_path = transcript, cwd = home.Root, hook_event_name = "SessionEnd", reason = "exit" }));
            hook.StandardInput.Close();
            await hook.WaitForExitAsync();
            Assert.Equal(0, hook.ExitCode);
        }
        // The hook returns at once; the runner publishes in the background and its last words are the error.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !(File.Exists(log) && File.ReadAllText(log).Contains("ERROR:", StringComparison.Ordinal))) await Task.Delay(100);
        await Task.Delay(500);

        var text = File.ReadAllText(log);
        Assert.Contains("Authorization", text);
        Assert.DoesNotContain(Secret, text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
    }
}
