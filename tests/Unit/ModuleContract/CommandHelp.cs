using System.Collections;
using SessionAnalytics.Tests.Infrastructure;

namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// A command's help as Get-Help -Full returns it in the hosted engine, flattened to plain values (Get-Help's
/// objects are property bags that do not survive leaving the runspace).
/// </summary>
public sealed record CommandHelp(
    string Name,
    string Synopsis,
    string Description,
    IReadOnlyList<HelpParameter> Parameters,
    IReadOnlyList<HelpExample> Examples,
    IReadOnlyList<IReadOnlyList<HelpParameter>> Syntax,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs)
{
    private const string Script = """
        param($Name)
        $help = Get-Help -Name $Name -Full -ErrorAction Stop
        function Text($value) { (@($value) | Where-Object { $_ } | ForEach-Object { if ($_.Text) { $_.Text } else { "$_" } }) -join "`n" }
        function Param($p) {
            @{ Name = "$($p.name)"; Description = (Text $p.description).Trim(); PipelineInput = "$($p.pipelineInput)";
               Type = "$($p.type.name)"; Required = "$($p.required)"; Position = "$($p.position)";
               Globbing = "$($p.globbing)"; Aliases = "$($p.aliases)" }
        }
        @{
            Name        = "$($help.Name)"
            Synopsis    = "$($help.Synopsis)".Trim()
            Description = (Text $help.description).Trim()
            Parameters  = @(foreach ($p in @($help.parameters.parameter)) { if ($p) { Param $p } })
            Examples    = @(foreach ($e in @($help.examples.example)) { if ($e) { @{ Title = "$($e.title)"; Code = "$($e.code)"; Remarks = (Text $e.remarks).Trim() } } })
            Syntax      = @(foreach ($s in @($help.syntax.syntaxItem)) { if ($s) { ,@(foreach ($p in @($s.parameter)) { if ($p) { Param $p } }) } })
            Inputs      = @(foreach ($t in @($help.inputTypes.inputType)) { if ($t) { "$($t.type.name)".Trim() } })
            Outputs     = @(foreach ($t in @($help.returnValues.returnValue)) { if ($t) { "$($t.type.name)".Trim() } })
        }
        """;

    public static CommandHelp Get(ModuleHost host, string name)
    {
        var result = host.Run(Script, name).AssertNoErrors();
        var table = Assert.IsType<Hashtable>(Assert.Single(result.Output));
        return new CommandHelp(
            (string)table["Name"]!,
            (string)table["Synopsis"]!,
            (string)table["Description"]!,
            List(table["Parameters"]).Select(HelpParameter.From).ToList(),
            List(table["Examples"]).Select(HelpExample.From).ToList(),
            List(table["Syntax"]).Select(item => (IReadOnlyList<HelpParameter>)List(item).Select(HelpParameter.From).ToList()).ToList(),
            List(table["Inputs"]).Cast<string>().ToList(),
            List(table["Outputs"]).Cast<string>().ToList());
    }

    internal static List<object> List(object? value) => value switch
    {
        null => [],
        System.Management.Automation.PSObject ps => List(ps.BaseObject),
        object[] array => array.Select(o => o is System.Management.Automation.PSObject p ? p.BaseObject : o).ToList(),
        _ => [value],
    };
}

public sealed record HelpParameter(string Name, string Description, string PipelineInput, string Type, bool Required, string Position, bool Globbing, IReadOnlyList<string> Aliases)
{
    internal static HelpParameter From(object value)
    {
        var t = (Hashtable)value;
        var aliases = ((string)t["Aliases"]!).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(a => !a.Equals("none", StringComparison.OrdinalIgnoreCase)).ToList();
        return new HelpParameter((string)t["Name"]!, (string)t["Description"]!, (string)t["PipelineInput"]!, (string)t["Type"]!,
            bool.TryParse((string)t["Required"]!, out var r) && r, (string)t["Position"]!,
            bool.TryParse((string)t["Globbing"]!, out var g) && g, aliases);
    }
}

public sealed record HelpExample(string Title, string Code, string Remarks)
{
    internal static HelpExample From(object value)
    {
        var t = (Hashtable)value;
        return new HelpExample((string)t["Title"]!, (string)t["Code"]!, (string)t["Remarks"]!);
    }
}
