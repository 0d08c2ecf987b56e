using System.Text;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Workflows;

/// <summary>
/// The workflow phase: one annotated diagram per skill family the session used, from the family's SKILL.md template
/// and the session's workflow edges. Edges per family come from, in this order: <c>explicitEdges</c> (passed by the
/// user), edges already recorded in <see cref="SessionStats.WorkflowEdges"/> (e.g. read back from a comment), or the
/// <see cref="WorkflowEdgeDeriver"/> rule over <see cref="SessionStats.SkillInvocations"/> (or, for sessions measured
/// before those were recorded, <see cref="SessionStats.SkillSequence"/>). The edges used are written back into
/// <see cref="SessionStats.WorkflowEdges"/> so the session JSON carries them. Nodes are coloured by the outcome of the
/// invocations of the skills they stand for (<see cref="NodeOutcomes"/>).
/// </summary>
public static class WorkflowDiagramGenerator
{
    public static IReadOnlyList<WorkflowDiagram> Generate(
        SessionStats stats,
        string? skillsPath,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? explicitEdges,
        IDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(diagnostics);
        skillsPath ??= ResolveSkillsPath(null, stats.Cwd, null);
        if (skillsPath is null) diagnostics.Verbose($"Session {stats.SessionIdShort}: no skills directory (.claude/skills) found; only explicit edges can be drawn.");

        var explicitByFamily = ByFamily(explicitEdges);
        var recordedByFamily = ByFamily(stats.WorkflowEdges);
        var families = new List<string>();
        foreach (var skill in stats.SkillSequence.Concat(stats.SkillsInvoked.Select(s => s.Skill)))
            AddFamily(families, FamilyOf(skill));
        foreach (var family in explicitByFamily.Keys.Concat(recordedByFamily.Keys)) AddFamily(families, family);

        var diagrams = new List<WorkflowDiagram>();
        var resultEdges = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var (family, edges) in stats.WorkflowEdges) resultEdges[family] = edges;

        foreach (var family in families)
        {
            IReadOnlyDictionary<string, int>? edges = null;
            var source = "derived";
            if (explicitByFamily.TryGetValue(family, out var given)) { edges = given; source = "explicit"; }
            else if (recordedByFamily.TryGetValue(family, out var recorded) && recorded.Count > 0) { edges = recorded; source = "recorded"; }
            if (edges is { Count: > 0 }) resultEdges[family] = edges;

            var template = skillsPath is null ? null : FindTemplate(skillsPath, family, stats, diagnostics);
            MermaidFlowchart? flowchart = null;
            if (template is not null)
            {
                try
                {
                    flowchart = MermaidFlowchart.Parse(template.Mermaid);
                }
                catch (MermaidParseException e)
                {
                    diagnostics.Error(new EngineError("WorkflowTemplateInvalid", ErrorKind.InvalidData,
                        $"The workflow template of '{family}' in {template.Path} (line {template.Line + e.Line}, column {e.Column}) is not a Mermaid flowchart that can be annotated: {e.Reason}",
                        template.Path, e)
                    {
                        RecommendedAction = "Fix the first ```mermaid block of the SKILL.md: it must be a flowchart that Mermaid renders.",
                    });
                    continue;
                }
            }

            if (flowchart is null)
            {
                if (edges is null)
                {
                    diagnostics.Verbose($"Session {stats.SessionIdShort}: no workflow template for skill family '{family}'; no diagram.");
                    continue;
                }
                // Edges without a template: draw just those edges.
                flowchart = MermaidFlowchart.Parse(FlowchartFromEdges(edges, out var keys));
                var renamed = edges.Where(e => keys.ContainsKey(e.Key)).ToDictionary(e => keys[e.Key], e => e.Value);
                foreach (var key in edges.Keys.Where(k => !keys.ContainsKey(k)))
                    diagnostics.Warning($"Session {stats.SessionIdShort}: workflow edge '{key}' of '{family}' is not of the form FROM->TO; not drawn.");
                diagrams.Add(Diagram(stats, family, null, source, MermaidAnnotator.Annotate(flowchart, renamed), edges));
                continue;
            }

            if (edges is null)
            {
                var known = stats.SkillInvocations.Count > 0;
                var derivation = known
                    ? WorkflowEdgeDeriver.DeriveDetailed(stats.SkillInvocations, flowchart)
                    : WorkflowEdgeDeriver.DeriveDetailed(stats.SkillSequence, flowchart);
                edges = derivation.Edges;
                foreach (var choice in derivation.Choices)
                    diagnostics.Verbose($"Session {stats.SessionIdShort}, '{family}' workflow: {choice.FromSkill} -> {choice.ToSkill} along {string.Join("->", choice.Nodes)}: {choice.Reason} (rule {choice.Rule}).");
                foreach (var transition in derivation.UnconnectedTransitions)
                    diagnostics.Verbose($"Session {stats.SessionIdShort}, '{family}' workflow: the template does not connect {transition}; not counted.");
                if (edges.Count > 0) resultEdges[family] = edges;
            }

            var (usedNodes, failedNodes) = NodeOutcomes(stats, flowchart);
            var annotation = MermaidAnnotator.Annotate(flowchart, edges, usedNodes, failedNodes);
            foreach (var key in annotation.UnmatchedEdges)
                diagnostics.Warning($"Session {stats.SessionIdShort}: workflow edge '{key}' of '{family}' is not a link of {template!.Path}; it is kept in the data but not drawn.");
            diagnostics.Verbose($"Session {stats.SessionIdShort}, '{family}' workflow ({source} edges, {template!.Path}): {annotation.TraversedEdges} of {annotation.TotalEdges} links traversed, " +
                                $"{annotation.FailureEdges} on failure paths; {annotation.FailedNodes.Count} node(s) whose every invocation failed" +
                                (annotation.FailedNodes.Count > 0 ? $" ({string.Join(", ", annotation.FailedNodes)})." : "."));
            diagrams.Add(Diagram(stats, family, template.Path, source, annotation, edges));
        }

        stats.WorkflowEdges = resultEdges;
        return diagrams;
    }

    /// <summary>
    /// The nodes of <paramref name="template"/> that invoked skills stand for, split by outcome: a node whose skills'
    /// invocations all failed is failed (red); one with at least one invocation that completed is used (green).
    /// Outcomes come from <see cref="SessionStats.SkillInvocations"/>; for a session measured before they were recorded,
    /// from <see cref="SessionStats.SkillsInvoked"/> (all failed only when its one invocation failed) and the sequence.
    /// </summary>
    public static (IReadOnlyList<string> Used, IReadOnlyList<string> Failed) NodeOutcomes(SessionStats stats, MermaidFlowchart template)
    {
        var outcomes = new Dictionary<string, (int Invoked, int Failed)>(StringComparer.OrdinalIgnoreCase);
        void Add(string skill, int invoked, int failed)
        {
            var name = skill.Trim().TrimStart('/');
            var (i, f) = outcomes.GetValueOrDefault(name);
            outcomes[name] = (i + invoked, f + failed);
        }
        if (stats.SkillInvocations.Count > 0)
            foreach (var call in stats.SkillInvocations) Add(call.Skill, 1, call.Succeeded ? 0 : 1);
        else
        {
            foreach (var k in stats.SkillsInvoked) Add(k.Skill, Math.Max(1, k.Count), k.Status == "fail" && k.Count <= 1 ? 1 : 0);
            foreach (var skill in stats.SkillSequence.Where(s => !outcomes.ContainsKey(s.Trim().TrimStart('/')))) Add(skill, 1, 0);
        }
        var nodes = new Dictionary<string, (int Invoked, int Failed)>(StringComparer.Ordinal);
        foreach (var (skill, (invoked, failed)) in outcomes)
        {
            if (WorkflowEdgeDeriver.MapSkill(skill, template) is not { } node) continue;
            var (i, f) = nodes.GetValueOrDefault(node);
            nodes[node] = (i + invoked, f + failed);
        }
        return (nodes.Where(n => n.Value.Failed < n.Value.Invoked).Select(n => n.Key).ToList(),
                nodes.Where(n => n.Value.Invoked > 0 && n.Value.Failed == n.Value.Invoked).Select(n => n.Key).ToList());
    }

    /// <summary>What a diagram shows: the source of its edges, then <see cref="MermaidAnnotator.ColourKey"/>.</summary>
    public static string Legend(string edgeSource) => edgeSource switch
    {
        "explicit" => "Edges as given with -WorkflowEdges",
        "recorded" => "Edges as recorded in the session data",
        _ => "Edges derived from the order of skill invocations",
    } + " (traversals counted in the labels); " + MermaidAnnotator.ColourKey + ".";

    /// <summary>
    /// The skills directory: <paramref name="explicitPath"/> when given, else <c>.claude/skills</c> under the session's
    /// working directory, else under <paramref name="currentDirectory"/>; null when none of those exists.
    /// </summary>
    public static string? ResolveSkillsPath(string? explicitPath, string? sessionCwd, string? currentDirectory)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return explicitPath;
        foreach (var root in new[] { sessionCwd, currentDirectory })
        {
            if (string.IsNullOrEmpty(root)) continue;
            var candidate = Path.Combine(root, ".claude", "skills");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>"tdd:ci" → "tdd"; "/tdd:ci" → "tdd"; "rca" → "rca".</summary>
    public static string FamilyOf(string skill)
    {
        var name = skill.Trim().TrimStart('/');
        var colon = name.IndexOf(':');
        return colon > 0 ? name[..colon] : name;
    }

    private static WorkflowDiagram Diagram(SessionStats stats, string family, string? templatePath, string source, MermaidAnnotation annotation, IReadOnlyDictionary<string, int> edges) => new()
    {
        SessionId = stats.SessionId,
        Family = family,
        TemplatePath = templatePath,
        TraversedEdges = annotation.TraversedEdges,
        TotalEdges = annotation.TotalEdges,
        FailureEdges = annotation.FailureEdges,
        FailedNodes = annotation.FailedNodes.Count,
        EdgeSource = source,
        Legend = Legend(source),
        Mermaid = annotation.Mermaid,
        Edges = new(edges),
    };

    /// <summary>The family's own SKILL.md first, then those of the family's skills the session invoked (first use first).</summary>
    private static SkillTemplate? FindTemplate(string skillsPath, string family, SessionStats stats, IDiagnostics diagnostics)
    {
        var names = new List<string> { family };
        foreach (var skill in stats.SkillSequence.Concat(stats.SkillsInvoked.Select(s => s.Skill)))
        {
            var name = skill.Trim().TrimStart('/');
            if (string.Equals(FamilyOf(name), family, StringComparison.OrdinalIgnoreCase) && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
                names.Add(name);
        }
        foreach (var name in names)
            if (SkillTemplateReader.Read(skillsPath, name, diagnostics) is { } template) return template;
        return null;
    }

    /// <summary>A flowchart drawing only the given edges; node ids are generated (n0, n1, ...) and the original ids become quoted labels.</summary>
    private static string FlowchartFromEdges(IReadOnlyDictionary<string, int> edges, out Dictionary<string, string> keyMap)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        keyMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var key in edges.Keys)
        {
            if (MermaidAnnotator.ParseEdgeKey(key) is not var (from, to)) continue;
            sb.Append("    ").Append(Node(from)).Append(" --> ").Append(Node(to)).Append('\n');
            keyMap[key] = ids[from] + "->" + ids[to];
        }
        if (keyMap.Count == 0) sb.Append("    n0[\"(no valid edges)\"]\n");
        return sb.ToString();

        string Node(string name)
        {
            if (ids.TryGetValue(name, out var id)) return id;
            id = "n" + ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ids[name] = id;
            // The names come from the session's data (recorded or given edges): shown as text, never as markup.
            return id + "[" + MermaidAnnotator.QuoteText(name) + "]";
        }
    }

    private static void AddFamily(List<string> families, string family)
    {
        if (family.Length > 0 && !families.Contains(family, StringComparer.OrdinalIgnoreCase)) families.Add(family);
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> ByFamily(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? edges)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        if (edges is null) return result;
        foreach (var (family, familyEdges) in edges)
            if (familyEdges is not null) result[family] = familyEdges;
        return result;
    }
}
