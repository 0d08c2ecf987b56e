using System.Text.RegularExpressions;

namespace SessionAnalytics.Core.Workflows;

/// <summary>What <see cref="WorkflowEdgeDeriver"/> found for one template.</summary>
public sealed class WorkflowDerivation
{
    /// <summary>"FROM->TO" (node ids, in the direction travelled) → traversals, in order of first traversal.</summary>
    public required IReadOnlyDictionary<string, int> Edges { get; init; }
    /// <summary>Invoked skill → the template node it maps to (skills without a node are absent).</summary>
    public required IReadOnlyDictionary<string, string> SkillNodes { get; init; }
    /// <summary>Consecutive pairs of mapped skills the template does not connect, e.g. "tdd:ci -> rca:ci".</summary>
    public required IReadOnlyList<string> UnconnectedTransitions { get; init; }
    /// <summary>For every transition counted, the path taken and the rule that chose it (for -Verbose).</summary>
    public IReadOnlyList<WorkflowEdgeChoice> Choices { get; init; } = [];
}

/// <summary>Which rule chose the path of a transition (docs/about_SessionAnalytics.md, "The derivation rule", step 7).</summary>
public enum WorkflowPathRule
{
    /// <summary>The template has one path between the two skills.</summary>
    OnlyPath,
    /// <summary>A test or CI command failed between the invocations: the shortest path with a failure-labelled link.</summary>
    FailureBetween,
    /// <summary>No test or CI command failed between them: the shortest path without failure-labelled links.</summary>
    NoFailureBetween,
    /// <summary>Nothing is known of what ran between them (edges from a skill sequence alone), or no path of the
    /// preferred kind exists: the shortest path.</summary>
    Shortest,
}

/// <summary>One transition u → v and the path chosen for it.</summary>
/// <param name="FromSkill">u, as invoked.</param>
/// <param name="ToSkill">v, as invoked.</param>
/// <param name="Nodes">The node ids of the path, from u's node to v's.</param>
/// <param name="Paths">How many paths the template has between them (through intermediate nodes, up to the search's limit).</param>
/// <param name="Rule">Which rule chose the path.</param>
/// <param name="Reason">The rule in words, naming the failing command when there was one.</param>
public sealed record WorkflowEdgeChoice(string FromSkill, string ToSkill, IReadOnlyList<string> Nodes, int Paths, WorkflowPathRule Rule, string Reason)
{
    public override string ToString() => $"{FromSkill} -> {ToSkill}: {string.Join("->", Nodes)} ({Reason})";
}

/// <summary>
/// Derives <c>workflow_edges</c> for one template from the order the session invoked its skills
/// (<see cref="Stats.SessionStats.SkillInvocations"/>, or <see cref="Stats.SessionStats.SkillSequence"/> when only the
/// order is known). The rule, also in docs/about_SessionAnalytics.md ("Workflow edges"):
/// <list type="number">
/// <item>A node <em>names</em> a skill when a word of its text (its id when it has no text), compared without case, equals
/// the skill name; a word with <c>*</c> and <c>:</c> (<c>tdd:*</c>) is a wildcard naming every skill it matches. Words are runs
/// of letters, digits, <c>_</c>, <c>-</c>, <c>:</c> and <c>*</c>, without trailing <c>:</c> or <c>-</c>.</item>
/// <item>Each invoked skill maps to the first node (declaration order) naming it exactly, else to the first naming it by wildcard.</item>
/// <item>The sequence is reduced to the skills that map to a node of this template; every pair of neighbours in it is a transition.</item>
/// <item>A transition u→v counts when the template connects u's node to v's node directly or through <em>intermediate</em> nodes:
/// nodes that name no skill (no invoked skill, no wildcard, no <c>family:variant</c> word) — decisions, steps, starts.
/// Every link on the chosen path counts once, keyed "FROM->TO". u = v counts only through a loop back to the node.
/// Links follow their arrows; links without heads (<c>---</c>) or with heads on both ends go both ways; invisible
/// links (<c>~~~</c>) are never followed.</item>
/// <item>Which path, when there are several: if a test or CI command failed between the two invocations, the shortest
/// path with a failure-labelled link (<see cref="MermaidAnnotator.IsFailureLabel"/>); if the invocations are known and
/// none failed, the shortest path without one; otherwise, or when no path of that kind exists, the shortest path. Ties
/// go to the links declared first.</item>
/// </list>
/// </summary>
public static partial class WorkflowEdgeDeriver
{
    /// <summary>Paths between two skills the search looks at, at most (shortest first): templates are small, a loop-rich one must not run away.</summary>
    public const int MaxPathsSearched = 256;

    public static IReadOnlyDictionary<string, int> Derive(IReadOnlyList<string> skillSequence, MermaidFlowchart template) =>
        DeriveDetailed(skillSequence, template).Edges;

    /// <summary>From the order of the skills alone: what ran between them is unknown, so every transition takes the shortest path.</summary>
    public static WorkflowDerivation DeriveDetailed(IReadOnlyList<string> skillSequence, MermaidFlowchart template)
    {
        ArgumentNullException.ThrowIfNull(skillSequence);
        return DeriveDetailed(skillSequence.Select(s => new Stats.SkillInvocation { Skill = s }).ToList(), template, outcomesKnown: false);
    }

    /// <param name="outcomesKnown">True when <paramref name="invocations"/> were measured with what ran between them (a
    /// missing failure then means none happened); false when they only give the order.</param>
    public static WorkflowDerivation DeriveDetailed(IReadOnlyList<Stats.SkillInvocation> invocations, MermaidFlowchart template, bool outcomesKnown = true)
    {
        ArgumentNullException.ThrowIfNull(invocations);
        ArgumentNullException.ThrowIfNull(template);
        // Skill names as the Skill tool received them; a leading '/' (slash-command spelling) is not part of the name.
        var calls = invocations.Where(i => !string.IsNullOrWhiteSpace(i.Skill)).Select(i => i with { Skill = i.Skill.Trim().TrimStart('/') }).ToList();
        var invoked = calls.Select(c => c.Skill).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var words = template.Nodes.ToDictionary(n => n.Id, n => LabelWords(n.DisplayText), StringComparer.Ordinal);

        var skillNodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var skill in invoked)
            if (MapSkill(skill, template, words) is string node) skillNodes[skill] = node;

        var skillNodeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in template.Nodes)
            if (NamesAnySkill(words[node.Id], invoked)) skillNodeIds.Add(node.Id);

        var edges = new Dictionary<string, int>(StringComparer.Ordinal);
        var unconnected = new List<string>();
        var choices = new List<WorkflowEdgeChoice>();
        var graph = new LinkGraph(template);
        // What failed between two mapped invocations: any failure after the first and before the second, the
        // invocations of other templates' skills in between included (they are skipped, not breaks).
        var mapped = new List<(Stats.SkillInvocation Call, string? FailedBetween)>();
        string? failedSince = null;
        foreach (var call in calls)
        {
            if (skillNodes.ContainsKey(call.Skill))
            {
                if (mapped.Count > 0) mapped[^1] = (mapped[^1].Call, failedSince);
                mapped.Add((call, null));
                failedSince = call.FailedTestOrCi;
            }
            else failedSince ??= call.FailedTestOrCi;
        }
        for (var i = 0; i + 1 < mapped.Count; i++)
        {
            var (u, failed) = mapped[i];
            var v = mapped[i + 1].Call;
            var paths = graph.Paths(skillNodes[u.Skill], skillNodes[v.Skill], skillNodeIds);
            if (paths.Count == 0)
            {
                unconnected.Add($"{u.Skill} -> {v.Skill}");
                continue;
            }
            var (path, rule, reason) = Choose(paths, outcomesKnown, failed);
            choices.Add(new WorkflowEdgeChoice(u.Skill, v.Skill, [path[0].From, .. path.Select(l => l.To)], paths.Count, rule, reason));
            foreach (var link in path)
            {
                var key = link.From + "->" + link.To;
                edges[key] = edges.GetValueOrDefault(key) + 1;
            }
        }
        return new WorkflowDerivation { Edges = edges, SkillNodes = skillNodes, UnconnectedTransitions = unconnected, Choices = choices };
    }

    private static (List<Step> Path, WorkflowPathRule Rule, string Reason) Choose(List<List<Step>> paths, bool outcomesKnown, string? failedBetween)
    {
        if (paths.Count == 1) return (paths[0], WorkflowPathRule.OnlyPath, "the only path");
        var of = $"the shortest of {paths.Count} paths";
        if (!outcomesKnown) return (paths[0], WorkflowPathRule.Shortest, of + " (what ran between the two invocations is not recorded)");
        if (failedBetween is not null)
        {
            return paths.FirstOrDefault(p => p.Any(l => l.Failure)) is { } failure
                ? (failure, WorkflowPathRule.FailureBetween, $"'{failedBetween}' failed between them: the shortest of {paths.Count} paths with a failure-labelled link")
                : (paths[0], WorkflowPathRule.Shortest, $"'{failedBetween}' failed between them, but no path has a failure-labelled link: " + of);
        }
        return paths.FirstOrDefault(p => !p.Any(l => l.Failure)) is { } success
            ? (success, WorkflowPathRule.NoFailureBetween, $"no test or CI command failed between them: the shortest of {paths.Count} paths without a failure-labelled link")
            : (paths[0], WorkflowPathRule.Shortest, "no test or CI command failed between them, but every path has a failure-labelled link: " + of);
    }

    /// <summary>The node a skill maps to: first exact, else first wildcard; null when the template does not name it.</summary>
    public static string? MapSkill(string skill, MermaidFlowchart template) =>
        MapSkill(skill, template, template.Nodes.ToDictionary(n => n.Id, n => LabelWords(n.DisplayText), StringComparer.Ordinal));

    private static string? MapSkill(string skill, MermaidFlowchart template, Dictionary<string, IReadOnlyList<string>> words)
    {
        foreach (var node in template.Nodes)
            if (!node.IsSubgraph && words[node.Id].Any(w => string.Equals(w, skill, StringComparison.OrdinalIgnoreCase))) return node.Id;
        foreach (var node in template.Nodes)
            if (!node.IsSubgraph && words[node.Id].Any(w => IsWildcard(w) && WildcardMatches(w, skill))) return node.Id;
        return null;
    }

    /// <summary>The words of a label that can name a skill (see the class comment).</summary>
    public static IReadOnlyList<string> LabelWords(string label) =>
        WordPattern().Matches(label).Select(m => WithoutEmphasis(m.Value).TrimEnd(':', '-')).Where(w => w.Length > 0).ToList();

    /// <summary>Markdown labels write **tdd:ci** or *tdd:ci*: those stars are emphasis, not wildcards.</summary>
    private static string WithoutEmphasis(string word)
    {
        while (word.Length > 4 && word.StartsWith("**", StringComparison.Ordinal) && word.EndsWith("**", StringComparison.Ordinal)) word = word[2..^2];
        if (word.Length > 2 && word[0] == '*' && word[^1] == '*' && char.IsLetterOrDigit(word[1])) word = word[1..^1];
        return word;
    }

    private static bool NamesAnySkill(IReadOnlyList<string> words, IReadOnlyList<string> invoked) =>
        words.Any(w => IsWildcard(w) || LooksLikeSkill(w) || invoked.Any(s => string.Equals(s, w, StringComparison.OrdinalIgnoreCase)));

    private static bool IsWildcard(string word) => word.Contains('*') && word.Contains(':') && word.Any(char.IsLetter);

    /// <summary>family:variant, the family starting with a letter (so "10:30" is not a skill).</summary>
    private static bool LooksLikeSkill(string word) => SkillWordPattern().IsMatch(word);

    private static bool WildcardMatches(string wildcard, string skill) =>
        Regex.IsMatch(skill, "^" + Regex.Escape(wildcard).Replace(@"\*", "[^\\s]*") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly record struct Step(string From, string To, bool Failure);

    /// <summary>The links as the derivation follows them: along their arrows, both ways when headless or two-headed, never when invisible.</summary>
    private sealed class LinkGraph
    {
        private readonly Dictionary<string, List<Step>> _out = new(StringComparer.Ordinal);

        public LinkGraph(MermaidFlowchart template)
        {
            foreach (var link in template.Links)
            {
                if (link.Stroke == MermaidStroke.Invisible) continue;
                var failure = MermaidAnnotator.IsFailureLabel(link.Label);
                Add(new Step(link.From, link.To, failure));
                if (link.Head == MermaidArrowHead.None || link.BothEnds) Add(new Step(link.To, link.From, failure));
            }
        }

        private void Add(Step step)
        {
            if (!_out.TryGetValue(step.From, out var list)) _out[step.From] = list = [];
            list.Add(step);
        }

        /// <summary>
        /// The simple paths from <paramref name="from"/> to <paramref name="to"/> whose inner nodes are intermediate (not
        /// in <paramref name="skillNodes"/>), shortest first and, among equally long ones, by the links declared first
        /// (breadth-first over partial paths, links in declaration order). from = to asks for a loop; the empty path
        /// does not count. At most <see cref="MaxPathsSearched"/>.
        /// </summary>
        public List<List<Step>> Paths(string from, string to, HashSet<string> skillNodes)
        {
            var found = new List<List<Step>>();
            var queue = new Queue<List<Step>>();
            foreach (var first in _out.GetValueOrDefault(from) ?? []) queue.Enqueue([first]);
            var expanded = 0;
            while (queue.Count > 0 && found.Count < MaxPathsSearched && expanded++ < 64 * MaxPathsSearched)
            {
                var path = queue.Dequeue();
                var last = path[^1].To;
                if (last == to)
                {
                    found.Add(path);
                    continue;
                }
                if (last == from || skillNodes.Contains(last)) continue;
                foreach (var next in _out.GetValueOrDefault(last) ?? [])
                {
                    if (next.To == to) { queue.Enqueue([.. path, next]); continue; }
                    // Simple paths only: no node twice (a self-loop on a step included), never back through the start.
                    if (next.To == last || next.To == from || path.Any(s => s.From == next.To)) continue;
                    queue.Enqueue([.. path, next]);
                }
            }
            return found;
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9_\-:*]+")] private static partial Regex WordPattern();
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]*:[A-Za-z0-9_\-]+(:[A-Za-z0-9_\-]+)*$")] private static partial Regex SkillWordPattern();
}
