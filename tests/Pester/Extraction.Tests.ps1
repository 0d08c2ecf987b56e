# Needs full pwsh (Format-Table, Format-List, Export-Csv): runs where pwsh exists, against the built module.
# The extraction itself is tested in xunit against the fake GitHub (tests/Unit/Extraction); this checks the views of
# the run summary and that the records' flat properties export with Export-Csv in a real shell.
BeforeAll {
    $repoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repoRoot/out/SessionAnalytics/SessionAnalytics.psd1" -Force

    $options = [SessionAnalytics.Core.Extraction.ExtractionOptions]@{
        Repositories = [SessionAnalytics.Core.GitHub.RepositoryRef[]]@([SessionAnalytics.Core.GitHub.RepositoryRef]::new('octo-org', 'widget'))
        From         = [datetimeoffset]'2026-01-01T00:00:00Z'
        To           = [datetimeoffset]'2026-02-15T23:59:59Z'
    }
    $summary = [SessionAnalytics.Core.Extraction.ExtractionSummary]::new($options)
}

Describe 'ExtractionSummary views' {
    It 'shows a run as a table row' {
        $text = $summary | Format-Table | Out-String
        foreach ($column in 'Repository', 'Read', 'Sessions', 'LeftOut', 'Requests', 'PerItem', 'Revalidated%') { $text | Should -Match $column }
        $text | Should -Match 'octo-org/widget'
        $text | Should -Match '0/0'
    }

    It 'lists the counts and the notes' {
        $text = $summary | Format-List | Out-String
        foreach ($field in 'PullRequestsFound', 'UntrustedComments', 'RequestsPerItem', 'RevalidatedShare', 'RateLimitRemaining', 'Notes') { $text | Should -Match $field }
        $text | Should -Match 'Extracted from GitHub: 0 PRs and 0 issues created 2026-01-01 to 2026-02-15 in octo-org/widget'
    }
}

Describe 'Get-SessionAnalytics in a real shell' {
    It 'refuses a period that ends before it starts, before any network' {
        { Get-SessionAnalytics -Repository octo-org/widget -From 2026-02-01 -To 2026-01-01 -ApiUrl http://127.0.0.1:9/ -ErrorAction Stop } |
            Should -Throw -ErrorId 'SessionAnalyticsPeriodInvalid,SessionAnalytics.PowerShell.Commands.GetSessionAnalyticsCommand'
    }

    It 'documents every parameter in its help' {
        $help = Get-Help Get-SessionAnalytics -Full
        foreach ($name in 'Repository', 'From', 'To', 'Target', 'TrustedAuthor', 'Token', 'ApiUrl', 'CacheDirectory', 'NoCache', 'ThrottleLimit', 'MaxRateLimitWait') {
            $help.parameters.parameter.name | Should -Contain $name
        }
    }
}
