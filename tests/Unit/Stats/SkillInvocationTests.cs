using SessionAnalytics.Core.Stats;
using SessionAnalytics.Tests.Fixtures;
using static SessionAnalytics.Tests.Fixtures.TranscriptBuilder;

namespace SessionAnalytics.Tests.Stats;

/// <summary>
/// What happened between consecutive skill invocations (docs/about_SessionAnalytics.md, "Test and CI commands"): each
/// invocation's outcome, and the first test or CI command that failed before the next invocation. The workflow
/// diagrams use them to tell a failure path from a success path.
/// </summary>
public sealed class SkillInvocationTests : MeasurementTest
{
    [Fact]
    public void Each_invocation_records_its_outcome_and_the_first_failing_test_or_CI_command_before_the_next()
    {
        var b = New().User("go")
            .Bash(Opus, new Usage(1, 1), "dotnet test", "Failed: 1", isError: true)       // before any skill: nobody's
            .Skill(Opus, new Usage(1, 10), "tdd:ci")
            .Bash(Opus, new Usage(1, 10), "git status && ls", "", isError: true)            // fails, but runs no tests
            .Bash(Opus, new Usage(1, 10), "cd src && CI=1 dotnet test --no-build", "Failed!  - Failed: 2", isError: true)
            .Bash(Opus, new Usage(1, 10), "gh pr checks 652", "lint fail", isError: true)   // a second failure: the first is named
            .Skill(Opus, new Usage(1, 10), "rca:ci")
            .Task(Opus, new Usage(1, 1), "a1", "general-purpose", "run the suite", sub => sub
                .Bash(Haiku, new Usage(1, 5), "npx vitest run", "1 passed"))               // passes: nothing to tell
            .Skill(Opus, new Usage(1, 10), "tdd:ci", succeeds: false)
            .Task(Opus, new Usage(1, 1), "a2", "general-purpose", "check CI", sub => sub
                .Bash(Haiku, new Usage(1, 5), "gh run watch 42 --exit-status", "run failed", isError: true)) // a subagent's failure counts
            .Skill(Opus, new Usage(1, 10), "session:post");
        var s = Measure(b);

        Assert.Equal(
            [("tdd:ci", true, "dotnet test"), ("rca:ci", true, null), ("tdd:ci", false, "gh run watch"), ("session:post", true, null)],
            s.SkillInvocations.Select(i => (i.Skill, i.Succeeded, i.FailedTestOrCi)));
        Assert.Equal(s.SkillSequence, s.SkillInvocations.Select(i => i.Skill));

        // They survive the JSON (what comments carry back).
        var back = SessionStatsJson.Read(SessionStatsJson.Write(s));
        Assert.Equal(s.SkillInvocations, back.SkillInvocations);
    }

    [Theory]
    [InlineData("dotnet test", "dotnet test")]
    [InlineData("dotnet test tests/Unit --filter X", "dotnet test")]
    [InlineData("cd /repo && dotnet build && dotnet test --no-build", "dotnet test")]
    [InlineData("CI=true FOO=bar npm test", "npm test")]
    [InlineData("npm run test:unit -- --watch=false", "npm run test:unit")]
    [InlineData("pnpm run test", "pnpm run test")]
    [InlineData("npx jest src", "jest")]
    [InlineData("uv run pytest -x tests/", "pytest")]
    [InlineData("python3 -m pytest -q", "python3 -m pytest")]
    [InlineData("timeout 600 cargo test --all", "cargo test")]
    [InlineData("sudo -E go test ./...", "go test")]
    [InlineData("./gradlew check", "gradlew check")]
    [InlineData("vendor/bin/phpunit", "phpunit")]
    [InlineData("bundle exec rspec spec/models", "rspec")]
    [InlineData("make test 2>&1 | tail -20", "make test")]
    [InlineData("pwsh -c 'x' ; Invoke-Pester ./tests", "Invoke-Pester")]
    [InlineData("gh pr checks 652 --watch", "gh pr checks")]
    [InlineData("gh run view 123 --log-failed", "gh run view")]
    [InlineData("git commit -m \"fix; pytest passes now\"", null)] // inside quotes: a message, not a command
    [InlineData("echo pytest", null)]
    [InlineData("npm install", null)]
    [InlineData("npm run build", null)]
    [InlineData("dotnet build", null)]
    [InlineData("gh pr view 652", null)]
    [InlineData("cat test_results.txt", null)]
    [InlineData("make", null)]
    public void Test_and_CI_commands_are_recognised_by_their_runner(string command, string? expected) =>
        Assert.Equal(expected, TestCommand.Find(command));
}
