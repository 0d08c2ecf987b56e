using SessionAnalytics.Core.Comments;
using SessionAnalytics.Core.Redaction;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Tests.Comments;

public class SecretRedactorTests
{
    // Built from parts so no scanner takes this file for a leak.
    private static readonly string GitHubPat = "ghp_" + new string('A', 18) + "b1c2D3e4F5g6H7i8J9k0";
    private static readonly string GitHubOAuth = "gho_" + "16C7e42F292c6912E7710c838347Ae178B4a";
    private static readonly string FineGrained = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLM";
    private static readonly string Anthropic = "sk-ant-" + "api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_aBcD";
    private static readonly string OpenAi = "sk-" + "proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    private static readonly string Aws = "AKIA" + "IOSFODNN7EXAMPLE";
    private static readonly string Jwt = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    public static TheoryData<string, string> Secrets() => new()
    {
        { $"push with {GitHubPat} failed", GitHubPat },
        { $"token {GitHubOAuth}", GitHubOAuth },
        { $"GH_TOKEN={FineGrained}", FineGrained },
        { $"export ANTHROPIC_API_KEY={Anthropic}", Anthropic },
        { $"curl -H 'x-api-key: {Anthropic}'", Anthropic },
        { $"OPENAI_API_KEY {OpenAi} set", OpenAi },
        { $"aws configure set aws_access_key_id {Aws}", Aws },
        { $"Authorization: Bearer {Jwt}", Jwt },
        { "curl -H 'Authorization: Bearer abc123def456ghi789'", "abc123def456ghi789" },
        { "mysql --password=hunter2 -u root", "hunter2" },
        { "login with password: Sup3rS3cret!", "Sup3rS3cret!" },
        { "https://ci.example.com/hook?token=0a1b2c3d4e5f", "0a1b2c3d4e5f" },
        { "\"client_secret\": \"s3cr3t-value\"", "s3cr3t-value" },
        { "git clone https://user:pa55word@github.com/o/r.git", "pa55word" },
        { "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\nAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\ndone", "b3BlbnNzaC1rZXktdjEAAAA" },
        { "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA truncated", "MIIEowIBAAKCAQEA" },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void SecretsAreReplaced(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text)!;
        Assert.DoesNotContain(secret, redacted);
        Assert.Contains(SecretRedactor.Placeholder, redacted);
        Assert.True(SecretRedactor.ContainsSecret(text));
        Assert.Equal(redacted, SecretRedactor.Redact(redacted));
    }

    [Theory]
    [InlineData("Fix keycloak token refresh")]
    [InlineData("Add retry logic for Bearer authentication")]
    [InlineData("Rename max_tokens handling; 241,558 input_tokens")]
    [InlineData("Use sk-learn style naming")]
    [InlineData("Explore session metadata context")]
    [InlineData("fix/keycloak-652")]
    [InlineData("Document the ghp_ prefix")]
    public void OrdinaryTextIsUntouched(string text)
    {
        Assert.Equal(text, SecretRedactor.Redact(text));
        Assert.False(SecretRedactor.ContainsSecret(text));
    }

    [Fact]
    public void LabelsStayAndValuesGo()
    {
        Assert.Equal("mysql --password=[REDACTED] -u root", SecretRedactor.Redact("mysql --password=hunter2 -u root"));
        Assert.Equal("Authorization: Bearer [REDACTED]", SecretRedactor.Redact("Authorization: Bearer abc123def456ghi789"));
    }

    [Fact]
    public void StatsCopyRedactsEveryTextAndKeepsNumbers()
    {
        var s = CommentFixtures.DesignExample();
        var leaky = new SessionStats
        {
            SessionId = s.SessionId,
            Branch = "fix/" + GitHubPat,
            Project = "p " + Aws,
            Cwd = "/home/u?token=abcdef123456",
            Version = "2.0",
            InputTokens = 7,
            EstimatedCostUsd = 1.23m,
            Models = [new ModelUsage { Model = "claude-" + OpenAi, InputTokens = 7 }],
            Tools = new Dictionary<string, int> { ["Bash " + GitHubPat] = 2, ["Bash " + GitHubOAuth] = 3 },
            SkillsInvoked = [new SkillUsage { Skill = "x " + Anthropic, Count = 1 }],
            SkillSequence = ["x " + Anthropic],
            Subagents = [new SubagentUsage { Id = "a", Description = "use " + Jwt, Type = "t", Model = "m" }],
            Commits = [new CommitRecord { Sha = "abc", Message = "password=hunter2", Branch = GitHubPat }],
            ProblemsFaced = [new ProblemRecord { Description = "401 with " + GitHubPat, Kind = "api_error" }],
            WorkflowEdges = new Dictionary<string, IReadOnlyDictionary<string, int>> { ["f"] = new Dictionary<string, int> { [GitHubPat + "->B"] = 1 } },
            Branches = [GitHubPat],
            UnpricedModels = [OpenAi],
            TranscriptPaths = ["/tmp/" + GitHubPat],
        };
        var json = SessionStatsJson.Write(SecretRedactor.Redact(leaky));
        foreach (var secret in new[] { GitHubPat, GitHubOAuth, Aws, OpenAi, Anthropic, Jwt, "hunter2", "abcdef123456" })
            Assert.DoesNotContain(secret, json);
        var copy = SecretRedactor.Redact(leaky);
        Assert.Equal(5, copy.Tools["Bash [REDACTED]"]);
        Assert.Equal(7, copy.InputTokens);
        Assert.Equal(1.23m, copy.EstimatedCostUsd);
        Assert.Equal("fix/" + GitHubPat, leaky.Branch);
    }
}

public class SecretRedactorScaleTests
{
    [Fact]
    public void AdversarialLongTextIsRedactedInOnePass()
    {
        // Long runs that would make an unbounded prefix quadratic: megabytes of tool output are normal session text.
        var text = new string('d', 200_000) + " eyJ" + new string('e', 100_000) + " " + string.Concat(Enumerable.Repeat("a_b-", 50_000)) + " password=x";
        var redacted = SecretRedactor.Redact(text)!;
        Assert.EndsWith("password=[REDACTED]", redacted);
        Assert.Equal(text.Length - 1 + SecretRedactor.Placeholder.Length, redacted.Length);
    }
}
