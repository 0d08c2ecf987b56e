@{
    RootModule           = 'SessionAnalytics.PowerShell.dll'
    ModuleVersion        = '0.0.0-dev'
    GUID                 = '5b0e4f57-2d0c-4a39-9a4e-4f3b7d2f6c11'
    Author               = 'SessionAnalytics contributors'
    CompanyName          = 'SessionAnalytics'
    Copyright            = '(c) SessionAnalytics contributors. MIT License.'
    Description          = 'Turns Claude Code session transcripts into exact token, cost, tool, skill, subagent and commit figures, and publishes them to GitHub pull requests and issues, CSV, Markdown and an HTML dashboard.'
    PowerShellVersion    = '7.4'
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
            Tags         = @('ClaudeCode', 'Claude', 'Analytics', 'Tokens', 'Cost', 'GitHub', 'PullRequest', 'Mermaid', 'CSV', 'Dashboard', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://github.com/sessionanalytics/SessionAnalytics/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/sessionanalytics/SessionAnalytics'
            ReleaseNotes = 'See CHANGELOG.md'
        }
    }
}
