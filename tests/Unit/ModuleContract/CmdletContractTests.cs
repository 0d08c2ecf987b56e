namespace SessionAnalytics.Tests.ModuleContract;

/// <summary>
/// What every cmdlet of the module must have, checked on the real commands in the hosted engine, one row per
/// cmdlet (rules in <see cref="CmdletContract"/>). A cmdlet that is promised but not written yet fails here by design.
/// </summary>
public sealed class CmdletContractTests(ModuleHostFixture module) : IClassFixture<ModuleHostFixture>
{
    public static TheoryData<string> Commands() => ModuleCommands.Names();

    [Fact]
    public void ApprovedVerbListIsTheEngines()
    {
        // Guards the reflection behind CmdletContract.ApprovedVerbs: an empty list would make every verb check pass.
        Assert.Contains("Get", CmdletContract.ApprovedVerbs);
        Assert.Contains("Publish", CmdletContract.ApprovedVerbs);
        Assert.Contains("ConvertTo", CmdletContract.ApprovedVerbs);
        Assert.DoesNotContain("Fetch", CmdletContract.ApprovedVerbs);
        Assert.True(CmdletContract.ApprovedVerbs.Count > 90, $"only {CmdletContract.ApprovedVerbs.Count} approved verbs found");
    }

    [Theory, MemberData(nameof(Commands))]
    public void UsesAnApprovedVerb(string name) => CmdletContract.AssertNone(name, CmdletContract.Verb(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void DeclaresResolvableOutputTypes(string name) => CmdletContract.AssertNone(name, CmdletContract.OutputTypes(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void BindsSomethingFromThePipeline(string name) => CmdletContract.AssertNone(name, CmdletContract.PipelineBinding(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void WritersSupportShouldProcess(string name) => CmdletContract.AssertNone(name, CmdletContract.ShouldProcess(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void PathParametersComeInPairs(string name) => CmdletContract.AssertNone(name, CmdletContract.PathPairs(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void DerivesFromTheModuleBaseCmdlet(string name) => CmdletContract.AssertNone(name, CmdletContract.BaseClass(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void CompletableParametersCarryTheirCompleter(string name) => CmdletContract.AssertNone(name, CmdletContract.CompleterWiring(module.Cmdlet(name)));

    [Theory, MemberData(nameof(Commands))]
    public void HasADefaultParameterSetWhenItHasSeveral(string name) => CmdletContract.AssertNone(name, CmdletContract.DefaultParameterSet(module.Cmdlet(name)));
}
