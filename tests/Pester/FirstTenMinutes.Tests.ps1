#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5' }
# Issue #11: the first ten minutes of a PowerShell user, step by step, in real pwsh against the built module. Step 6
# (type literals and isolation) is in Assemblies.Tests.ps1. The steps about SessionStats itself (its table, its CSV
# and the Import-Csv round trip) wait for the SessionStats contract that is being redefined; they are marked pending.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $manifest = Get-BuiltModulePath
    Import-Module $manifest -Force
    $module = Get-Module SessionAnalytics
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $samples = Join-Path $repo 'samples' 'claude'
    $skills = Join-Path $repo 'samples' 'skills'

    $sessions = @(Get-ClaudeSession -Path $samples)
    $stats = @($sessions | ConvertTo-SessionStats)
    $diagrams = @($stats | ConvertTo-SessionMermaid -SkillsPath $skills)
    $records = @($stats | ForEach-Object { [SessionAnalytics.Core.Export.SessionAnalyticsRecord]::FromStats($_) })
    $longUrl = 'https://github.com/octo-org/widget/pull/652#issuecomment-2712345678'
    $commentResult = [SessionAnalytics.Core.GitHub.SessionCommentResult]@{
        Repository = 'octo-org/widget'; Number = 652; TargetType = 'pr'; SessionId = $stats[1].SessionId
        Action = 'Updated'; CommentId = 2712345678; Url = $longUrl; Length = 5120
    }
    $summaryResult = [SessionAnalytics.Core.GitHub.SessionSummaryResult]@{
        Repository = 'octo-org/widget'; Number = 652; TargetType = 'pr'; Action = 'Created'; CommentId = 2712345679
        Url = $longUrl -replace '678$', '679'; SessionCount = 3; TotalCostUsd = 6.1749; TotalCommits = 4; TotalTokens = 16600000
    }
    $extraction = [SessionAnalytics.Core.Extraction.ExtractionSummary]::new([SessionAnalytics.Core.Extraction.ExtractionOptions]@{
            Repositories  = [SessionAnalytics.Core.GitHub.RepositoryRef[]]@([SessionAnalytics.Core.GitHub.RepositoryRef]::new('octo-org', 'widget'))
            From          = [datetimeoffset]'2026-01-01T00:00:00Z'
            To            = [datetimeoffset]'2026-02-15T23:59:59Z'
            TrustedAuthors = [string[]]@('alice', 'bob')
        })

    # One object of every output type the cmdlets declare, plus the extraction summary (information stream).
    $outputTypes = @(Get-Command -Module SessionAnalytics | ForEach-Object { $_.OutputType.Type } |
            Where-Object { $_ -and $_.FullName -like 'SessionAnalytics.*' } | Sort-Object FullName -Unique)
    $examples = @{
        'SessionAnalytics.Core.Transcripts.ClaudeSession'      = $sessions
        'SessionAnalytics.Core.Stats.SessionStats'             = $stats
        'SessionAnalytics.Core.Workflows.WorkflowDiagram'      = $diagrams
        'SessionAnalytics.Core.Export.SessionAnalyticsRecord'  = $records
        'SessionAnalytics.Core.GitHub.SessionCommentResult'    = @($commentResult)
        'SessionAnalytics.Core.GitHub.SessionSummaryResult'    = @($summaryResult)
        'SessionAnalytics.Core.Extraction.ExtractionSummary'   = @($extraction)
    }
    # Waiting for the SessionStats contract (issue #11, later phase): its collections still print type names.
    $pendingOnContract = @('SessionAnalytics.Core.Stats.SessionStats')
    $typeName = 'System\.Collections|System\.Object\[\]|System\.String\[\]|SessionAnalytics\.Core\.|`\d\[|<>z__|\{\w+ = '
}

Describe 'Step 2: Export-Csv writes no type name, for every output type' {
    It 'has an example object for every declared output type' {
        foreach ($type in $outputTypes) { $examples.Keys | Should -Contain $type.FullName -Because 'every output type is exported below' }
    }

    It 'exports <_> with collections as compact text' -ForEach @(
        'SessionAnalytics.Core.Transcripts.ClaudeSession', 'SessionAnalytics.Core.Stats.SessionStats',
        'SessionAnalytics.Core.Workflows.WorkflowDiagram', 'SessionAnalytics.Core.Export.SessionAnalyticsRecord',
        'SessionAnalytics.Core.GitHub.SessionCommentResult', 'SessionAnalytics.Core.GitHub.SessionSummaryResult',
        'SessionAnalytics.Core.Extraction.ExtractionSummary') {
        $csv = Join-Path $TestDrive "$_.csv"
        $examples[$_] | Export-Csv -LiteralPath $csv
        $leaks = @(Import-Csv -LiteralPath $csv | ForEach-Object { $_.PSObject.Properties } | Where-Object Value -Match $typeName |
                ForEach-Object { "$($_.Name) = $($_.Value)" } | Sort-Object -Unique)
        (Get-Content -LiteralPath $csv -TotalCount 1) | Should -Not -Match '^#TYPE'
        if ($_ -in $pendingOnContract -and $leaks) {
            Set-ItResult -Skipped -Because "pending on the SessionStats contract (being redefined); its text forms come after it: $($leaks -join '; ')"
            return
        }
        $leaks | Should -BeNullOrEmpty
    }

    It 'writes a session''s branches and paths as "a; b", which the module reads back' {
        $csv = Join-Path $TestDrive 'sessions.csv'
        $sessions | Export-Csv -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
        $withAgents = $rows | Where-Object Id -eq $sessions[1].Id
        $withAgents.SubagentFiles | Should -Match '^/.*agent-\w+\.jsonl; /.*agent-'
        [SessionAnalytics.Core.Tabular.CellText]::ParseList($withAgents.TranscriptPaths) | Should -Be @($sessions[1].TranscriptPaths)
        [SessionAnalytics.Core.Tabular.CellText]::ParseList($withAgents.Branches) | Should -Be @($sessions[1].Branches)
        # The CSV of sessions is input again: TranscriptPath binds to ConvertTo-SessionStats -Path.
        $again = @($rows | ConvertTo-SessionStats)
        $again.SessionId | Should -Be $stats.SessionId
        $again.OutputTokens | Should -Be $stats.OutputTokens
    }

    It 'writes a diagram''s edges as FROM->TO=count' {
        $csv = Join-Path $TestDrive 'diagrams.csv'
        $diagrams | Export-Csv -LiteralPath $csv
        $row = (Import-Csv -LiteralPath $csv)[1]
        $row.Edges | Should -Match '^\w+->\w+=\d+(; \w+->\w+=\d+)*$'
        $back = [SessionAnalytics.Core.Tabular.CellText]::ParseMap($row.Edges, [Func[string, int]] { param($v) [int]$v })
        $back.Keys | Should -Be @($diagrams[1].Edges.Keys)
    }
}

Describe 'Step 1 and 10: tables that fit' {
    BeforeAll {
        function Show([object[]] $InputObject, [int] $Width) { ($InputObject | Out-String -Width $Width) -split "`r?`n" }
    }

    It 'sessions at 80 columns: short id, start, duration, size, branch and project, nothing cut' {
        $lines = Show $sessions 80
        $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        $lines[1] | Should -Match '^ShortId\s+Started\s+Duration\s+Size\s+Branch\s+Project$'
        $row = $lines | Where-Object { $_ -like '3f2a9c41*' }
        $row | Should -Match '3f2a9c41 \d{4}-\d\d-\d\d \d\d:\d\d\s+\d+m\s+\d+\.\d KB fix/login-timeout\s+acme-widget$'
        $lines -join "`n" | Should -Not -Match ' 0 ' -Because 'a small session is some KB, not 0 MB'
    }

    It 'sessions at 120 columns keep the same columns' {
        $lines = Show $sessions 120
        $lines[1] | Should -Match '^ShortId\s+Started\s+Duration\s+Size\s+Branch\s+Project$'
        $lines | Where-Object { $_ -like '*…*' } | Should -BeNullOrEmpty
    }

    It 'records at 80 columns show the cost in dollars and the duration as people write it' {
        foreach ($width in 80, 120) {
            $lines = Show $records $width
            $lines | Where-Object Length -gt $width | Should -BeNullOrEmpty
            $lines[1] | Should -Match '^Target\s+Session\s+Started\s+Duration\s+Cost\s+Status$'
            $row = $lines | Where-Object { $_ -match $records[1].SessionIdShort }
            $row | Should -Match ([regex]::Escape('$' + [math]::Round($records[1].EstimatedCostUsd, 2).ToString('0.00')))
            $row | Should -Match '\b\d+m\b'
        }
    }

    It 'comment and summary results show the whole URL on one line at 80 columns' {
        foreach ($result in $commentResult, $summaryResult) {
            $lines = Show $result 80
            $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
            $lines | Where-Object { $_ -match '^Url\s+: https://' } | Should -Match ([regex]::Escape($result.Url) + '$')
        }
        (Show $summaryResult 80) -join "`n" | Should -Match 'Cost\s+: \$6\.17'
        (Show $summaryResult 80) -join "`n" | Should -Match 'Tokens\s+: 16\.6M'
        (Show $summaryResult 80) -join "`n" | Should -Match 'Converged\s+: True'
    }

    It 'diagrams at 80 columns name the template by its skill folder' {
        $lines = Show $diagrams 80
        $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '^3f2a9c41 tdd ' } | Should -Match 'tdd[/\\]SKILL\.md$'
    }

    It 'the extraction summary fits 80 columns and lists its notes whole' {
        (Show $extraction 80) | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        ($extraction | Format-List | Out-String -Width 80) | Should -Match 'Only session comments by alice, bob were counted'
    }
}
