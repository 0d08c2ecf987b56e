@{
    RootModule           = 'SessionAnalytics.PowerShell.dll'
    ModuleVersion        = '0.0.0-dev'
    GUID                 = '5b0e4f57-2d0c-4a39-9a4e-4f3b7d2f6c11'
    Author               = 'SessionAnalytics contributors'
    CompanyName          = 'SessionAnalytics'
    Copyright            = '(c) SessionAnalytics contributors. MIT License.'
    Description          = 'Turns Claude Code session transcripts into exact token, cost, tool, skill, subagent and commit figures, and publishes them to GitHub pull requests and issues, CSV, Markdown and an HTML dashboard.'
    PowerShellVersion    = '7.4'
    # Where Get-Help -Online and Update-Help look: the cmdlet pages in docs/ (each cmdlet's help links its own page).
    HelpInfoUri          = 'https://github.com/sessionanalytics/SessionAnalytics/tree/main/docs'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('SessionAnalytics.format.ps1xml')
    CmdletsToExport      = @(
        'Get-ClaudeSession'
        'ConvertTo-SessionStats'
        'ConvertTo-SessionMermaid'
        'ConvertTo-SessionComment'
        'ConvertTo-SessionSummary'
        'Publish-SessionComment'
        'Update-SessionSummary'
        'Get-SessionAnalytics'
        'Export-SessionAnalytics'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # PSCommand_/PSCmdlet_ tags let Find-PSResource -Command find the module (ManifestTests keeps them in step
            # with CmdletsToExport).
            Tags         = @('ClaudeCode', 'Claude', 'Analytics', 'Tokens', 'Cost', 'GitHub', 'PullRequest', 'Mermaid', 'CSV', 'Dashboard', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS'
                'PSCommand_Get-ClaudeSession', 'PSCmdlet_Get-ClaudeSession'
                'PSCommand_ConvertTo-SessionStats', 'PSCmdlet_ConvertTo-SessionStats'
                'PSCommand_ConvertTo-SessionMermaid', 'PSCmdlet_ConvertTo-SessionMermaid'
                'PSCommand_ConvertTo-SessionComment', 'PSCmdlet_ConvertTo-SessionComment'
                'PSCommand_ConvertTo-SessionSummary', 'PSCmdlet_ConvertTo-SessionSummary'
                'PSCommand_Publish-SessionComment', 'PSCmdlet_Publish-SessionComment'
                'PSCommand_Update-SessionSummary', 'PSCmdlet_Update-SessionSummary'
                'PSCommand_Get-SessionAnalytics', 'PSCmdlet_Get-SessionAnalytics'
                'PSCommand_Export-SessionAnalytics', 'PSCmdlet_Export-SessionAnalytics'
            )
            LicenseUri   = 'https://github.com/sessionanalytics/SessionAnalytics/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/sessionanalytics/SessionAnalytics'
            ReleaseNotes = 'See CHANGELOG.md in the module folder or https://github.com/sessionanalytics/SessionAnalytics/blob/main/CHANGELOG.md'
        }
    }
}
