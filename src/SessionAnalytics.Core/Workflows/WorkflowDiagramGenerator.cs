using System.Text;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Stats;

namespace SessionAnalytics.Core.Workflows;

/// <summary>
/// The workflow phase: one annotated diagram per skill family the session used, from the family's SKILL.md template
/// and the session's workflow edges. Edges per family come from, in this order: <c>explicitEdges</c> (passed by the
/// user), edges already recorded in <see cref="SessionStats.WorkflowEdges"/> (e.g. read back from a comment), or the
/// <see cref="WorkflowEdgeDeriver"/> rule over <see cref="SessionStats.SkillSequence"/>. The edges used are written
/// back into <see cref="SessionStats.WorkflowEdges"/> so the session JSON carries them.
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
                var derivation = WorkflowEdgeDeriver.DeriveDetailed(stats.SkillSequence, flowchart);
                edges = derivation.Edges;
                foreach (var transition in derivation.UnconnectedTransitions)
                    diagnostics.Verbose($"Session {stats.SessionIdShort}, '{family}' workflow: the template does not connect {transition}; not counted.");
                if (edges.Count > 0) resultEdges[family] = edges;
            }

            var usedNodes = stats.SkillSequence.Concat(stats.SkillsInvoked.Select(s => s.Skill))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Select(skill => WorkflowEdgeDeriver.MapSkill(skill.Trim().TrimStart('/'), flowchart))
                .OfType<string>()
                .ToList();
            var annotation = MermaidAnnotator.Annotate(flowchart, edges, usedNodes);
            foreach (var key in annotation.UnmatchedEdges)
                diagnostics.Warning($"Session {stats.SessionIdShort}: workflow edge '{key}' of '{family}' is not a link of {template!.Path}; it is kept in the data but not drawn.");
            diagnostics.Verbose($"Session {stats.SessionIdShort}, '{family}' workflow ({source} edges, {template!.Path}): {annotation.TraversedEdges} of {annotation.TotalEdges} links traversed, {annotation.FailureEdges} on failure paths.");
            diagrams.Add(Diagram(stats, family, template.Path, source, annotation, edges));
        }

        stats.WorkflowEdges = resultEdges;
        return diagrams;
    }

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
        EdgeSource = source,
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
            return id + "[" + MermaidAnnotator.Quote(name) + "]";
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
