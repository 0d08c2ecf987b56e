namespace SessionAnalytics.Tests.ModuleContract.Probes;

/// <summary>The docs/&lt;Verb-Noun&gt;.md of the probe cmdlets, in the shape the brief prescribes.</summary>
public static class ProbeDocs
{
    public const string GetContractProbe = """
        ---
        external help file: SessionAnalytics.Tests.dll-Help.xml
        ---
        # Get-ContractProbe

        ## SYNOPSIS
        Gets probe records for paths.

        ## SYNTAX

        ### Path (Default)
        ```
        Get-ContractProbe [[-Path] <String[]>] [-Force] [<CommonParameters>]
        ```

        ### LiteralPath
        ```
        Get-ContractProbe -LiteralPath <String[]> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        The **Get-ContractProbe** cmdlet emits one `ContractProbeRecord` per path it is given. It exists so the
        contract tests can prove that a cmdlet following every rule passes them all.

        ## EXAMPLES

        ### Example 1: One record per path
        ```powershell
        Get-ContractProbe -Path 'a', 'bb'
        ```

        Emits two records, with lengths 1 and 2.

        ### Example 2: Paths from the pipeline
        ```powershell
        'x', 'yy' | Get-ContractProbe | Where-Object Length -gt 1
        ```

        Strings bind to -Path by value.

        ## PARAMETERS

        ### -Path
        Paths to make records for. Wildcards are accepted.

        ```yaml
        Type: String[]
        Parameter Sets: Path
        Aliases: None
        Required: False
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue, ByPropertyName)
        Accept wildcard characters: True
        ```

        ### -LiteralPath
        Paths taken exactly as written.

        ```yaml
        Type: String[]
        Parameter Sets: LiteralPath
        Aliases: PSPath
        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Force
        Does nothing; shows how switches are documented.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: None
        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String[]
        Paths.

        ## OUTPUTS

        ### SessionAnalytics.Tests.ModuleContract.Probes.ContractProbeRecord
        One per path.

        ## NOTES
        A probe for the tests.

        ## RELATED LINKS
        - [about_SessionAnalytics](about_SessionAnalytics.md)
        """;

    public const string PublishBrokenProbe = """
        # Publish-BrokenProbe

        ## SYNOPSIS
        A probe whose help disagrees with it.

        ## SYNTAX

        ```
        Publish-BrokenProbe [[-Path] <Int32>] [-Branch <String>] [-Gone <String>] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Short.

        ## EXAMPLES

        ### Example 1: Broken
        ```powershell
        Get-Thing -Name (
        ```

        ## PARAMETERS

        ### -Path
        Documented with the wrong type and pipeline input.

        ```yaml
        Type: Int32
        Parameter Sets: (All)
        Aliases: None
        Required: False
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue)
        Accept wildcard characters: True
        ```

        ### -Branch
        A branch.

        ```yaml
        Type: String
        Parameter Sets: (All)
        Aliases: None
        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Gone
        A parameter the cmdlet no longer has.

        ```yaml
        Type: String
        Parameter Sets: (All)
        Aliases: None
        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ## INPUTS

        ### None

        ## OUTPUTS

        ### None
        """;
}
