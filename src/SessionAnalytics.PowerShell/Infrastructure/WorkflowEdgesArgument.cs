using System.Collections;
using System.Globalization;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;
using SessionAnalytics.Core.Workflows;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// Turns a <c>-WorkflowEdges</c> hashtable (<c>@{ tdd = @{ 'RCACI->TDDCI' = 1; 'TDDCI->HS' = 2 } }</c>) into the
/// engine's family → edge → traversals map. Same rules and ErrorId (<c>WorkflowEdgesInvalid</c>) as
/// ConvertTo-SessionMermaid, so both cmdlets accept exactly the same argument.
/// </summary>
internal static class WorkflowEdgesArgument
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Convert(IDictionary edges)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry family in edges)
        {
            var name = family.Key?.ToString();
            if (string.IsNullOrWhiteSpace(name)) throw Invalid("a family name is empty", edges);
            if (Unwrap(family.Value) is not IDictionary familyEdges)
                throw Invalid($"the value of '{name}' must be a hashtable of 'FROM->TO' = count", edges);
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (DictionaryEntry edge in familyEdges)
            {
                var key = edge.Key?.ToString() ?? "";
                if (MermaidAnnotator.ParseEdgeKey(key) is null) throw Invalid($"'{key}' in '{name}' is not of the form 'FROM->TO'", edges);
                int count;
                try { count = System.Convert.ToInt32(Unwrap(edge.Value), CultureInfo.InvariantCulture); }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    throw Invalid($"the count of '{key}' in '{name}' is not a whole number", edges);
                }
                if (count < 0) throw Invalid($"the count of '{key}' in '{name}' is negative", edges);
                map[key] = count;
            }
            result[name] = map;
        }
        return result;
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static EngineException Invalid(string reason, object target) => new(new EngineError(
        "WorkflowEdgesInvalid", ErrorKind.InvalidArgument, $"-WorkflowEdges: {reason}.", target)
    {
        RecommendedAction = "Pass @{ <family> = @{ '<FROM>-><TO>' = <count> } }, e.g. @{ tdd = @{ 'TDDCI->HS' = 2 } }.",
    });
}
