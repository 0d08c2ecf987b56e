using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SessionAnalytics.Core.Pricing;

namespace SessionAnalytics.PowerShell.Completion;

/// <summary>Completes model ids from the built-in pricing table (the models a price is known for).</summary>
public sealed class ModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (word, quote) = CompletionText.Unquote(wordToComplete);
        var matches = CompletionText.Matcher(word);
        var table = PricingTable.Default;
        return table.ModelIds
            // "opus" finds claude-opus-4-6 too: people name models without the prefix.
            .Where(id => matches(id) || (id.StartsWith("claude-", StringComparison.Ordinal) && matches(id["claude-".Length..])))
            .Select(id => CompletionText.Result(id, quote, id, table.TryGetPrice(id, out var price) ? $"{id}: {Describe(price)}" : id))
            .ToList();
    }

    private static string Describe(ModelPrice price) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${price.Input} input, ${price.Output} output per million tokens");
}
