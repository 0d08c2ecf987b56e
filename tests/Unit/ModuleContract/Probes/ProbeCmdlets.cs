using System.Management.Automation;

namespace SessionAnalytics.Tests.ModuleContract.Probes;

// Cmdlets that exist only to prove the contract rules and the help build work: the self-tests import this test
// assembly as a binary module, give it MAML built from ProbeDocs, and run every rule over these commands.

/// <summary>A cmdlet that follows every rule.</summary>
[Cmdlet(VerbsCommon.Get, "ContractProbe", DefaultParameterSetName = "Path")]
[OutputType(typeof(ContractProbeRecord))]
public sealed class GetContractProbeCommand : PSCmdlet
{
    [Parameter(ParameterSetName = "Path", Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(ParameterSetName = "LiteralPath", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var p in Path.Concat(LiteralPath)) WriteObject(new ContractProbeRecord { Name = p, Length = p.Length });
    }
}

/// <summary>A writer that breaks rules on purpose; its help (ProbeDocs) disagrees with it on purpose too.</summary>
[Cmdlet(VerbsData.Publish, "BrokenProbe")]
public sealed class PublishBrokenProbeCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    [Parameter]
    public string? Branch { get; set; }

    [Parameter]
    public int Count { get; set; }

    protected override void ProcessRecord() => WriteObject(Count);
}

/// <summary>An unapproved verb (Import-Module warns about it; the contract fails it).</summary>
[Cmdlet("Fetch", "ContractProbe")]
[OutputType(typeof(string))]
public sealed class FetchContractProbeCommand : PSCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    public string? Name { get; set; }
}

public sealed class ContractProbeRecord
{
    public string Name { get; set; } = "";
    public int Length { get; set; }
}
