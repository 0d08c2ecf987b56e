using System.Collections;
using System.Management.Automation;
using SessionAnalytics.Core.Diagnostics;

namespace SessionAnalytics.PowerShell.Infrastructure;

/// <summary>
/// Turns the <c>-WorkflowEdges</c> hashtable (<c>@{ tdd = @{ 'RCACI->TDDCI' = 1; 'TDDCI->HS' = 2 } }</c>) into the
/// engine's family → edge → traversals map, naming the entry that does not fit.
/// </summary>
internal static class WorkflowEdgesArgument
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Convert(IDictionary edges)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        foreach (DictionaryEntry family in edges)
        {
            var familyName = family.Key?.ToString();
            if (string.IsNullOrWhiteSpace(familyName)) throw Invalid("a workflow family name is empty");
            if (Unwrap(family.Value) is not IDictionary familyEdges)
                throw Invalid($"the value of family '{familyName}' must be a hashtable of 'FROM->TO' = count");
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (DictionaryEntry edge in familyEdges)
            {
                var name = edge.Key?.ToString() ?? "";
                var arrow = name.IndexOf("->", StringComparison.Ordinal);
                if (arrow <= 0 || arrow + 2 >= name.Length)
                    throw Invalid($"edge '{name}' of family '{familyName}' is not written 'FROM->TO'");
                int count;
                try { count = LanguagePrimitives.ConvertTo<int>(Unwrap(edge.Value)); }
                catch (PSInvalidCastException) { throw Invalid($"the count of edge '{name}' of family '{familyName}' is not a whole number"); }
                if (count < 0) throw Invalid($"the count of edge '{name}' of family '{familyName}' is negative");
                map[name] = count;
            }
            result[familyName] = map;
        }
        return result;
    }

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;

    private static EngineException Invalid(string what) => new(new EngineError(
        "InvalidWorkflowEdges", ErrorKind.InvalidArgument, "-WorkflowEdges is not valid: " + what + ".")
    {
        RecommendedAction = "Pass a hashtable of families, each a hashtable of 'FROM->TO' = count, e.g. @{ tdd = @{ 'RCACI->TDDCI' = 1 } }.",
    });
}
