namespace SessionAnalytics.Tests.FakeGitHub;

/// <summary>
/// The fake GitHub's state: users with their tokens, repositories, issues and pull requests (one number space per
/// repository, as on GitHub), their comments and each identity's rate limit. Every read and write takes one lock,
/// so parallel requests see a consistent store. Tests seed it directly and assert on it after the requests.
/// </summary>
public sealed class FakeGitHubStore
{
    /// <summary>GitHub's limit on an issue comment's body, in characters.</summary>
    public const int MaxCommentBodyLength = 65_536;

    private readonly object _gate = new();
    private readonly Dictionary<string, FakeUser> _usersByToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeRepository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FakeRateLimit> _rateLimits = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string Organization, string Login)> _members = [];
    private long _nextId = 1000;
    private DateTimeOffset _clock = new(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Requests an identity may make per hour; new identities start with all of them.</summary>
    public int RateLimitPerHour { get; set; } = 5000;

    internal object Gate => _gate;

    /// <summary>
    /// The store's clock: every write advances it by one second, so creation order is visible in the timestamps
    /// (and "oldest" is well defined) without depending on the machine's clock.
    /// </summary>
    internal DateTimeOffset Tick()
    {
        lock (_gate) return _clock = _clock.AddSeconds(1);
    }

    internal long NextId()
    {
        lock (_gate) return ++_nextId;
    }

    public FakeUser AddUser(string login, string token, FakeUserKind kind = FakeUserKind.User)
    {
        lock (_gate)
        {
            var user = new FakeUser(login, NextId(), kind);
            _usersByToken[token] = user;
            return user;
        }
    }

    public FakeUser? UserForToken(string token)
    {
        lock (_gate) return _usersByToken.GetValueOrDefault(token);
    }

    public FakeRepository AddRepository(string owner, string name, bool isPrivate = false)
    {
        lock (_gate)
        {
            var repo = new FakeRepository(this, owner, name, NextId(), isPrivate);
            _repositories[repo.FullName] = repo;
            return repo;
        }
    }

    public FakeRepository? FindRepository(string owner, string name)
    {
        lock (_gate) return _repositories.GetValueOrDefault(owner + "/" + name);
    }

    public FakeRepository Repository(string owner, string name) =>
        FindRepository(owner, name) ?? throw new InvalidOperationException($"The fake has no repository {owner}/{name}.");

    public IReadOnlyList<FakeRepository> Repositories
    {
        get { lock (_gate) return _repositories.Values.ToList(); }
    }

    /// <summary>Makes <paramref name="login"/> a member of the organization <paramref name="organization"/>: GitHub then
    /// reports its comments on the organization's repositories with <c>author_association</c> MEMBER.</summary>
    public void AddOrganizationMember(string organization, string login)
    {
        lock (_gate) _members.Add((organization.ToUpperInvariant(), login.ToUpperInvariant()));
    }

    internal bool IsOrganizationMember(string organization, string login)
    {
        lock (_gate) return _members.Contains((organization.ToUpperInvariant(), login.ToUpperInvariant()));
    }

    /// <summary>The rate limit of a login (or "anonymous:&lt;address&gt;"); created full on first use.</summary>
    public FakeRateLimit RateLimit(string identity)
    {
        lock (_gate)
        {
            if (!_rateLimits.TryGetValue(identity, out var limit))
                // Real time, unlike the store's clock: clients compare the reset with their own clock.
                _rateLimits[identity] = limit = new FakeRateLimit(RateLimitPerHour,
                    DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()));
            return limit;
        }
    }

    /// <summary>Sets how many requests an identity has left, e.g. 0 to make the next request hit the primary limit.</summary>
    public void SetRateLimitRemaining(string identity, int remaining)
    {
        lock (_gate) RateLimit(identity).Remaining = remaining;
    }
}

public enum FakeUserKind
{
    /// <summary>A person with a personal access token: GET /user works.</summary>
    User,
    /// <summary>A GitHub App installation or the Actions GITHUB_TOKEN: GET /user is 403 "Resource not accessible by integration".</summary>
    Integration,
}

public sealed record FakeUser(string Login, long Id, FakeUserKind Kind)
{
    public string Type => Kind == FakeUserKind.Integration ? "Bot" : "User";
}

public sealed class FakeRateLimit(int limit, DateTimeOffset reset)
{
    public int Limit { get; } = limit;
    public int Remaining { get; internal set; } = limit;
    public int Used => Limit - Remaining;
    public DateTimeOffset Reset { get; } = reset;
}

public sealed class FakeRepository
{
    private readonly FakeGitHubStore _store;
    private readonly SortedDictionary<int, FakeIssue> _issues = [];
    private readonly Dictionary<long, FakeComment> _comments = [];
    private readonly HashSet<string> _collaborators = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _contributors = new(StringComparer.OrdinalIgnoreCase);

    internal FakeRepository(FakeGitHubStore store, string owner, string name, long id, bool isPrivate)
    {
        _store = store;
        Owner = owner;
        Name = name;
        Id = id;
        IsPrivate = isPrivate;
    }

    public string Owner { get; }
    public string Name { get; }
    public long Id { get; }
    public bool IsPrivate { get; }
    public string FullName => Owner + "/" + Name;
    public string DefaultBranch { get; set; } = "main";

    /// <summary>Invites <paramref name="login"/> as an outside collaborator: author_association COLLABORATOR.</summary>
    public void AddCollaborator(string login)
    {
        lock (_store.Gate) _collaborators.Add(login);
    }

    /// <summary>Someone whose commits were merged before: author_association CONTRIBUTOR (no write access).</summary>
    public void AddContributor(string login)
    {
        lock (_store.Gate) _contributors.Add(login);
    }

    /// <summary>
    /// What GitHub sends as a comment's <c>author_association</c> for <paramref name="login"/> on this repository:
    /// OWNER (the repository's owner), MEMBER (of the owning organization), COLLABORATOR, CONTRIBUTOR, else NONE
    /// (anyone else who can comment on a public repository).
    /// </summary>
    public string AssociationOf(string login)
    {
        lock (_store.Gate)
        {
            if (string.Equals(login, Owner, StringComparison.OrdinalIgnoreCase)) return "OWNER";
            if (_store.IsOrganizationMember(Owner, login)) return "MEMBER";
            if (_collaborators.Contains(login)) return "COLLABORATOR";
            return _contributors.Contains(login) ? "CONTRIBUTOR" : "NONE";
        }
    }

    /// <summary>Adds a pull request from <paramref name="headBranch"/> (in <paramref name="headOwner"/>'s copy, the repository's owner by default).</summary>
    public FakeIssue AddPullRequest(string headBranch, int? number = null, string state = "open", bool merged = false,
        string? headOwner = null, string author = "octocat", string? title = null)
    {
        lock (_store.Gate)
        {
            var issue = new FakeIssue(this, number ?? NextNumber(), title ?? $"Changes from {headBranch}", author, _store.Tick())
            {
                IsPullRequest = true,
                State = state,
                Merged = merged,
                HeadRef = headBranch,
                HeadOwner = headOwner ?? Owner,
                BaseRef = DefaultBranch,
            };
            _issues.Add(issue.Number, issue);
            return issue;
        }
    }

    public FakeIssue AddIssue(int? number = null, string state = "open", string author = "octocat", string? title = null)
    {
        lock (_store.Gate)
        {
            var issue = new FakeIssue(this, number ?? NextNumber(), title ?? "An issue", author, _store.Tick()) { State = state };
            _issues.Add(issue.Number, issue);
            return issue;
        }
    }

    public FakeIssue? FindIssue(int number)
    {
        lock (_store.Gate) return _issues.GetValueOrDefault(number);
    }

    public IReadOnlyList<FakeIssue> Issues
    {
        get { lock (_store.Gate) return _issues.Values.ToList(); }
    }

    /// <summary>A snapshot of the comments on an issue or PR, oldest first (GitHub's order).</summary>
    public IReadOnlyList<FakeComment> CommentsOn(int number)
    {
        lock (_store.Gate) return _issues.TryGetValue(number, out var issue) ? issue.CommentList.Select(c => c.Snapshot()).ToList() : [];
    }

    public FakeComment? FindComment(long id)
    {
        lock (_store.Gate) return _comments.TryGetValue(id, out var c) ? c.Snapshot() : null;
    }

    /// <summary>Seeds a comment as if <paramref name="author"/> had posted it (no request, no rate limit).</summary>
    public FakeComment AddComment(int number, string author, string body)
    {
        lock (_store.Gate)
        {
            var issue = _issues.GetValueOrDefault(number) ?? throw new InvalidOperationException($"{FullName} has no issue or PR #{number}.");
            return CreateComment(issue, author, body).Snapshot();
        }
    }

    internal FakeComment CreateComment(FakeIssue issue, string author, string body)
    {
        lock (_store.Gate)
        {
            var now = _store.Tick();
            var comment = new FakeComment(_store.NextId(), this, issue.Number, author, body, now, now);
            issue.CommentList.Add(comment);
            _comments.Add(comment.Id, comment);
            return comment;
        }
    }

    /// <summary>Checks and writes under one lock, so two concurrent requests cannot both find and change a comment.</summary>
    internal (FakeEditOutcome Outcome, FakeComment? Comment) UpdateComment(long id, string login, string body)
    {
        lock (_store.Gate)
        {
            if (!_comments.TryGetValue(id, out var comment)) return (FakeEditOutcome.NotFound, null);
            if (!string.Equals(comment.Author, login, StringComparison.OrdinalIgnoreCase)) return (FakeEditOutcome.NotTheAuthor, null);
            comment.Body = body;
            comment.UpdatedAt = _store.Tick();
            return (FakeEditOutcome.Done, comment.Snapshot());
        }
    }

    internal FakeEditOutcome DeleteComment(long id, string login)
    {
        lock (_store.Gate)
        {
            if (!_comments.TryGetValue(id, out var comment)) return FakeEditOutcome.NotFound;
            if (!string.Equals(comment.Author, login, StringComparison.OrdinalIgnoreCase)) return FakeEditOutcome.NotTheAuthor;
            _comments.Remove(id);
            _issues[comment.IssueNumber].CommentList.Remove(comment);
            _store.Tick();
            return FakeEditOutcome.Done;
        }
    }

    private int NextNumber() => _issues.Count == 0 ? 1 : _issues.Keys.Max() + 1;
}

internal enum FakeEditOutcome
{
    Done,
    NotFound,
    NotTheAuthor,
}

/// <summary>An issue or a pull request: on GitHub both are issues and share one number space per repository.</summary>
public sealed class FakeIssue(FakeRepository repository, int number, string title, string author, DateTimeOffset createdAt)
{
    public FakeRepository Repository { get; } = repository;
    public int Number { get; } = number;
    public string Title { get; set; } = title;
    public string Author { get; } = author;
    public DateTimeOffset CreatedAt { get; set; } = createdAt;
    public string State { get; set; } = "open";
    public bool IsPullRequest { get; init; }
    public bool Merged { get; set; }
    public string? HeadRef { get; init; }
    public string? HeadOwner { get; init; }
    public string? BaseRef { get; init; }
    internal List<FakeComment> CommentList { get; } = [];
}

public sealed class FakeComment(long id, FakeRepository repository, int issueNumber, string author, string body,
    DateTimeOffset createdAt, DateTimeOffset updatedAt)
{
    public long Id { get; } = id;
    public FakeRepository Repository { get; } = repository;
    public int IssueNumber { get; } = issueNumber;
    public string Author { get; } = author;
    public string Body { get; internal set; } = body;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; internal set; } = updatedAt;

    internal FakeComment Snapshot() => new(Id, Repository, IssueNumber, Author, Body, CreatedAt, UpdatedAt);
}
