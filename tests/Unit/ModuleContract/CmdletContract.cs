using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// The rules every cmdlet of the module follows, as functions from a real command (and its help) to the list of
/// what is wrong. The contract tests run them over the module's cmdlets; ContractSelfTests run them over probe
/// cmdlets with known mistakes, which proves each rule can fail.
/// </summary>
public static class CmdletContract
{
    /// <summary>Verbs that change something outside the pipeline (GitHub, files, settings): they must honour -WhatIf/-Confirm.</summary>
    public static readonly string[] WriterVerbs =
    [
        "Add", "Clear", "Copy", "Export", "Install", "Move", "New", "Publish", "Register", "Remove", "Rename", "Reset",
        "Restore", "Save", "Send", "Set", "Submit", "Sync", "Uninstall", "Unregister", "Update", "Write",
    ];

    /// <summary>
    /// Parameter name → the completer class it must carry (src/SessionAnalytics.PowerShell/Completion). Named, not
    /// typeof(): the cmdlet assembly is the one the module loads from out/, never a second copy in the tests.
    /// </summary>
    public static readonly Dictionary<string, string> Completers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Branch"] = "SessionAnalytics.PowerShell.Completion.BranchCompleter",
        ["Id"] = "SessionAnalytics.PowerShell.Completion.SessionIdCompleter",
        ["SessionId"] = "SessionAnalytics.PowerShell.Completion.SessionIdCompleter",
        ["Project"] = "SessionAnalytics.PowerShell.Completion.ProjectCompleter",
        ["Repository"] = "SessionAnalytics.PowerShell.Completion.RepositoryCompleter",
        ["Model"] = "SessionAnalytics.PowerShell.Completion.ModelCompleter",
    };

    public const string ModuleBaseCmdlet = "SessionAnalytics.PowerShell.Infrastructure.SessionAnalyticsCmdlet";

    /// <summary>The verbs Get-Verb lists: the public constants of the Verbs* classes, which is where Get-Verb reads them.</summary>
    public static IReadOnlySet<string> ApprovedVerbs { get; } = typeof(VerbsCommon).Assembly.GetExportedTypes()
        .Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly HashSet<string> CommonParameters = new(Cmdlet.CommonParameters, StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<ParameterMetadata> DocumentableParameters(CmdletInfo cmdlet) =>
        cmdlet.Parameters.Values.Where(p => !CommonParameters.Contains(p.Name));

    // ---- the cmdlet itself -------------------------------------------------------------------------------------

    public static IEnumerable<string> Verb(CmdletInfo cmdlet)
    {
        if (!ApprovedVerbs.Contains(cmdlet.Verb)) yield return $"'{cmdlet.Verb}' is not an approved verb (Get-Verb).";
    }

    public static IEnumerable<string> OutputTypes(CmdletInfo cmdlet)
    {
        if (cmdlet.OutputType.Count == 0) { yield return "no [OutputType]."; yield break; }
        foreach (var output in cmdlet.OutputType)
        {
            if (output.Type is null) yield return $"[OutputType] names '{output.Name}', which does not resolve to a type.";
            else if (!output.Type.IsPublic) yield return $"output type {output.Type} is not public.";
            else if (output.Type == typeof(object) || output.Type == typeof(PSObject)) yield return $"[OutputType({output.Type.Name})] says nothing; name the real type.";
        }
    }

    public static IEnumerable<string> PipelineBinding(CmdletInfo cmdlet)
    {
        var bound = cmdlet.Parameters.Values.Any(p => p.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipeline || a.ValueFromPipelineByPropertyName));
        if (!bound) yield return "takes nothing from the pipeline: no parameter has ValueFromPipeline or ValueFromPipelineByPropertyName.";
    }

    public static IEnumerable<string> ShouldProcess(CmdletInfo cmdlet)
    {
        var supports = cmdlet.ImplementingType.GetCustomAttribute<CmdletAttribute>()?.SupportsShouldProcess == true;
        if (WriterVerbs.Contains(cmdlet.Verb))
        {
            if (!supports) yield return $"writes ({cmdlet.Verb}) but its [Cmdlet] lacks SupportsShouldProcess = true, so -WhatIf/-Confirm are missing.";
        }
        else if (supports)
        {
            yield return $"'{cmdlet.Verb}' changes nothing, yet it declares SupportsShouldProcess: -WhatIf would promise something meaningless.";
        }
    }

    public static IEnumerable<string> PathPairs(CmdletInfo cmdlet)
    {
        var hasPath = cmdlet.Parameters.TryGetValue("Path", out var path);
        var hasLiteral = cmdlet.Parameters.TryGetValue("LiteralPath", out var literal);
        if (!hasPath && !hasLiteral) yield break;
        if (!hasPath || !hasLiteral)
        {
            yield return $"takes {(hasPath ? "-Path" : "-LiteralPath")} without {(hasPath ? "-LiteralPath" : "-Path")}: paths come as a -Path (wildcards) / -LiteralPath (verbatim) pair.";
            yield break;
        }
        if (!path!.Attributes.OfType<SupportsWildcardsAttribute>().Any()) yield return "-Path expands wildcards, so it carries [SupportsWildcards].";
        if (!literal!.Aliases.Contains("PSPath", StringComparer.OrdinalIgnoreCase)) yield return "-LiteralPath needs the alias PSPath, so Get-ChildItem output binds to it.";
        if (!literal.Attributes.OfType<ParameterAttribute>().Any(a => a.ValueFromPipelineByPropertyName)) yield return "-LiteralPath binds by property name (PSPath).";
        var pathSets = path.ParameterSets.Keys.ToHashSet();
        var literalSets = literal.ParameterSets.Keys.ToHashSet();
        if (pathSets.Overlaps(literalSets) || pathSets.Contains(ParameterAttribute.AllParameterSets) || literalSets.Contains(ParameterAttribute.AllParameterSets))
            yield return $"-Path and -LiteralPath must be in different parameter sets (Path: {string.Join(",", pathSets)}; LiteralPath: {string.Join(",", literalSets)}).";
    }

    public static IEnumerable<string> BaseClass(CmdletInfo cmdlet, string baseTypeName = ModuleBaseCmdlet)
    {
        for (var t = cmdlet.ImplementingType.BaseType; t is not null; t = t.BaseType)
            if (t.FullName == baseTypeName) yield break;
        yield return $"does not derive from {baseTypeName} (diagnostics on the streams, Ctrl+C cancellation, engine errors as ErrorRecords).";
    }

    public static IEnumerable<string> CompleterWiring(CmdletInfo cmdlet)
    {
        foreach (var parameter in cmdlet.Parameters.Values.Where(p => Completers.ContainsKey(p.Name)))
        {
            var expected = Completers[parameter.Name];
            var completer = parameter.Attributes.OfType<ArgumentCompleterAttribute>().FirstOrDefault();
            if (completer?.Type?.FullName != expected)
                yield return $"-{parameter.Name} needs [ArgumentCompleter(typeof({expected.Split('.')[^1]}))] (found {completer?.Type?.Name ?? "none"}).";
        }
    }

    public static IEnumerable<string> DefaultParameterSet(CmdletInfo cmdlet)
    {
        if (cmdlet.ParameterSets.Count > 1 && !cmdlet.ParameterSets.Any(s => s.IsDefault))
            yield return $"has {cmdlet.ParameterSets.Count} parameter sets but no DefaultParameterSetName.";
    }

    // ---- its help ----------------------------------------------------------------------------------------------

    public static IEnumerable<string> HelpPresent(CmdletInfo cmdlet, CommandHelp help)
    {
        // Without MAML, Get-Help makes up a help object whose synopsis is the syntax and whose description is empty.
        if (help.Description.Length == 0 || help.Synopsis.StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"has no help: write docs/{cmdlet.Name}.md (see the brief for its shape); the build turns it into MAML.";
            yield break;
        }
        if (help.Synopsis.Contains("{{") || help.Description.Contains("{{")) yield return "help still holds a {{ placeholder }}.";
        if (help.Description.Length < 80)
            yield return $"DESCRIPTION is {help.Description.Length} characters; say what the cmdlet does, what it reads and writes, and how it fits the pipeline.";
    }

    public static IEnumerable<string> ParametersDocumented(CmdletInfo cmdlet, CommandHelp help)
    {
        var actual = DocumentableParameters(cmdlet).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var documented = help.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var missing in actual.Except(documented).Order()) yield return $"-{missing} has no help.";
        foreach (var stale in documented.Except(actual).Order()) yield return $"help documents -{stale}, which the cmdlet lacks.";
        foreach (var parameter in help.Parameters.Where(p => p.Description.Length == 0)) yield return $"-{parameter.Name} has no description.";
    }

    public static IEnumerable<string> ParameterFacts(CmdletInfo cmdlet, CommandHelp help)
    {
        foreach (var metadata in DocumentableParameters(cmdlet))
        {
            var doc = help.Parameters.FirstOrDefault(p => p.Name.Equals(metadata.Name, StringComparison.OrdinalIgnoreCase));
            if (doc is null) continue; // ParametersDocumented reports it
            var attributes = metadata.Attributes.OfType<ParameterAttribute>().ToList();

            if (!SameType(doc.Type, metadata.ParameterType))
                yield return $"-{metadata.Name}: help says type {doc.Type}, the cmdlet takes {metadata.ParameterType.Name}.";

            var expectedPipeline = (attributes.Any(a => a.ValueFromPipeline), attributes.Any(a => a.ValueFromPipelineByPropertyName)) switch
            {
                (true, true) => "True (ByValue, ByPropertyName)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            };
            if (!SamePipelineInput(doc.PipelineInput, expectedPipeline))
                yield return $"-{metadata.Name}: help says 'Accept pipeline input: {doc.PipelineInput}', the cmdlet binds {expectedPipeline}.";

            var wildcards = metadata.Attributes.OfType<SupportsWildcardsAttribute>().Any();
            if (doc.Globbing != wildcards)
                yield return $"-{metadata.Name}: help says 'Accept wildcard characters: {doc.Globbing}', the cmdlet {(wildcards ? "has" : "lacks")} [SupportsWildcards].";

            var aliases = metadata.Aliases.Order(StringComparer.OrdinalIgnoreCase).ToList();
            var documentedAliases = doc.Aliases.Order(StringComparer.OrdinalIgnoreCase).ToList();
            if (!aliases.SequenceEqual(documentedAliases, StringComparer.OrdinalIgnoreCase))
                yield return $"-{metadata.Name}: help lists aliases [{string.Join(", ", documentedAliases)}], the cmdlet has [{string.Join(", ", aliases)}].";
        }
    }

    public static IEnumerable<string> Syntax(CmdletInfo cmdlet, CommandHelp help)
    {
        var unmatched = help.Syntax.ToList();
        foreach (var set in cmdlet.ParameterSets)
        {
            var parameters = set.Parameters.Where(p => !CommonParameters.Contains(p.Name)).ToList();
            var names = parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var item = unmatched.FirstOrDefault(i => i.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(names));
            if (item is null)
            {
                yield return $"no SYNTAX line has exactly the parameters of set '{set.Name}': {string.Join(" ", names.Order().Select(n => "-" + n))}.";
                continue;
            }
            unmatched.Remove(item);
            foreach (var parameter in parameters)
            {
                var doc = item.First(p => p.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (doc.Required != parameter.IsMandatory)
                    yield return $"set '{set.Name}': -{parameter.Name} is {(parameter.IsMandatory ? "mandatory" : "optional")} but the syntax shows it {(doc.Required ? "mandatory" : "optional")}.";
                var position = parameter.Position == int.MinValue ? "named" : parameter.Position.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!doc.Position.Equals(position, StringComparison.OrdinalIgnoreCase))
                    yield return $"set '{set.Name}': -{parameter.Name} has position {position} but the help says {doc.Position}.";
            }
        }
        foreach (var item in unmatched)
            yield return $"a SYNTAX line matches no parameter set: {string.Join(" ", item.Select(p => "-" + p.Name))}.";
    }

    public static IEnumerable<string> Examples(CmdletInfo cmdlet, CommandHelp help)
    {
        if (help.Examples.Count < 2) yield return $"has {help.Examples.Count} example(s); at least two real ones are needed.";
        foreach (var example in help.Examples)
        {
            var title = example.Title.Trim('-', ' ');
            if (!example.Code.Contains(cmdlet.Name, StringComparison.OrdinalIgnoreCase)) yield return $"example '{title}' does not use {cmdlet.Name}.";
            if (example.Remarks.Length == 0) yield return $"example '{title}' does not explain itself.";
        }
    }

    public static IEnumerable<string> ExamplesParse(CommandHelp help)
    {
        foreach (var example in help.Examples)
        {
            Parser.ParseInput(example.Code, out _, out var errors);
            if (errors.Length > 0)
                yield return $"example '{example.Title.Trim('-', ' ')}' does not parse: " +
                             string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")) + "\n" + example.Code;
        }
    }

    public static IEnumerable<string> OutputsDocumented(CmdletInfo cmdlet, CommandHelp help)
    {
        foreach (var output in cmdlet.OutputType)
        {
            var type = output.Type;
            var documented = help.Outputs.Any(o => o.Equals(output.Name, StringComparison.OrdinalIgnoreCase)
                || (type is not null && (o.Equals(type.FullName, StringComparison.OrdinalIgnoreCase) || o.Equals(type.Name, StringComparison.OrdinalIgnoreCase))));
            if (!documented) yield return $"OUTPUTS does not name {output.Name} (it lists: {string.Join(", ", help.Outputs)}).";
        }
        if (help.Inputs.Count == 0) yield return "INPUTS is empty.";
    }

    private static bool SameType(string documented, Type actual)
    {
        static string Short(string name) => name.Contains('.') ? name[(name.LastIndexOf('.') + 1)..] : name;
        var doc = Short(documented.Trim());
        return doc.Equals(actual.Name, StringComparison.OrdinalIgnoreCase)
            || (Nullable.GetUnderlyingType(actual) is { } inner && doc.TrimEnd('?').Equals(inner.Name, StringComparison.OrdinalIgnoreCase));
    }

    private static bool SamePipelineInput(string documented, string expected)
    {
        static string Normalize(string s) => s.Replace("ByPropertyName, ByValue", "ByValue, ByPropertyName").Trim();
        return Normalize(documented).Equals(Normalize(expected), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Fails the test with every problem, prefixed by the command's name.</summary>
    public static void AssertNone(string name, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{name}:\n  " + string.Join("\n  ", list));
    }
}
