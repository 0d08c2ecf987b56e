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
}

/// <summary>
/// Derives <c>workflow_edges</c> for one template from the order the session invoked its skills
/// (<see cref="Stats.SessionStats.SkillSequence"/>). The rule, also in docs/about_SessionAnalytics.md ("Workflow edges"):
/// <list type="number">
/// <item>A node <em>names</em> a skill when a word of its text (its id when it has no text), compared without case, equals
/// the skill name; a word with <c>*</c> and <c>:</c> (<c>tdd:*</c>) is a wildcard naming every skill it matches. Words are runs
/// of letters, digits, <c>_</c>, <c>-</c>, <c>:</c> and <c>*</c>, without trailing <c>:</c> or <c>-</c>.</item>
/// <item>Each invoked skill maps to the first node (declaration order) naming it exactly, else to the first naming it by wildcard.</item>
/// <item>The sequence is reduced to the skills that map to a node of this template; every pair of neighbours in it is a transition.</item>
/// <item>A transition u→v counts when the template connects u's node to v's node directly or through <em>intermediate</em> nodes:
/// nodes that name no skill (no invoked skill, no wildcard, no <c>family:variant</c> word) — decisions, steps, starts.
/// The shortest such path is taken (ties: links in declaration order), and every link on it counts once, keyed
/// "FROM->TO". u = v counts only through a loop back to the node. Links follow their arrows; links without heads
/// (<c>---</c>) or with heads on both ends go both ways; invisible links (<c>~~~</c>) are never followed.</item>
/// </list>
/// </summary>
public static partial class WorkflowEdgeDeriver
{
    public static IReadOnlyDictionary<string, int> Derive(IReadOnlyList<string> skillSequence, MermaidFlowchart template) =>
        DeriveDetailed(skillSequence, template).Edges;

    public static WorkflowDerivation DeriveDetailed(IReadOnlyList<string> skillSequence, MermaidFlowchart template)
    {
        ArgumentNullException.ThrowIfNull(skillSequence);
        ArgumentNullException.ThrowIfNull(template);
        // Skill names as the Skill tool received them; a leading '/' (slash-command spelling) is not part of the name.
        skillSequence = skillSequence.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim().TrimStart('/')).ToList();
        var invoked = skillSequence.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var words = template.Nodes.ToDictionary(n => n.Id, n => LabelWords(n.DisplayText), StringComparer.Ordinal);

        var skillNodes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var skill in invoked)
            if (MapSkill(skill, template, words) is string node) skillNodes[skill] = node;

        var skillNodeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in template.Nodes)
            if (NamesAnySkill(words[node.Id], invoked)) skillNodeIds.Add(node.Id);

        var edges = new Dictionary<string, int>(StringComparer.Ordinal);
        var unconnected = new List<string>();
        var mapped = skillSequence.Where(skillNodes.ContainsKey).ToList();
        for (var i = 0; i + 1 < mapped.Count; i++)
        {
            var from = skillNodes[mapped[i]];
            var to = skillNodes[mapped[i + 1]];
            var path = ShortestPath(template, from, to, skillNodeIds);
            if (path is null)
            {
                unconnected.Add($"{mapped[i]} -> {mapped[i + 1]}");
                continue;
            }
            foreach (var (a, b) in path)
            {
                var key = a + "->" + b;
                edges[key] = edges.GetValueOrDefault(key) + 1;
            }
        }
        return new WorkflowDerivation { Edges = edges, SkillNodes = skillNodes, UnconnectedTransitions = unconnected };
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

    /// <summary>Breadth-first search over the links in declaration order; inner nodes must be intermediate (not in <paramref name="skillNodes"/>).</summary>
    private static List<(string From, string To)>? ShortestPath(MermaidFlowchart template, string from, string to, HashSet<string> skillNodes)
    {
        var adjacency = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var link in template.Links)
        {
            if (link.Stroke == MermaidStroke.Invisible) continue;
            Add(link.From, link.To);
            if (link.Head == MermaidArrowHead.None || link.BothEnds) Add(link.To, link.From);
        }
        void Add(string a, string b)
        {
            if (!adjacency.TryGetValue(a, out var list)) adjacency[a] = list = [];
            list.Add(b);
        }

        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        // Start from the first steps out of 'from' so that from == to finds a loop instead of the empty path.
        foreach (var next in adjacency.GetValueOrDefault(from) ?? [])
        {
            if (parent.ContainsKey(next) || next == from && from != to) continue;
            parent[next] = from;
            if (next == to) return Walk();
            if (!skillNodes.Contains(next)) queue.Enqueue(next);
        }
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in adjacency.GetValueOrDefault(node) ?? [])
            {
                if (parent.ContainsKey(next) || next == from && from != to) continue;
                parent[next] = node;
                if (next == to) return Walk();
                if (!skillNodes.Contains(next)) queue.Enqueue(next);
            }
        }
        return null;

        List<(string, string)> Walk()
        {
            var path = new List<(string, string)>();
            var node = to;
            do
            {
                var previous = parent[node];
                path.Add((previous, node));
                node = previous;
            } while (node != from);
            path.Reverse();
            return path;
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9_\-:*]+")] private static partial Regex WordPattern();
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]*:[A-Za-z0-9_\-]+(:[A-Za-z0-9_\-]+)*$")] private static partial Regex SkillWordPattern();
}
