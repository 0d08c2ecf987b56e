#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Runs where full pwsh and Pester 5 exist: Import-Csv, Export-Csv and the format views, which the hosted engine lacks.

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    Import-Module (Join-Path $repo 'out' 'SessionAnalytics' 'SessionAnalytics.psd1') -Force
    $samples = Join-Path $repo 'samples' 'claude'
    $designColumns = @(
        'pr_number', 'target_type', 'pr_title', 'pr_author', 'pr_status', 'session_id', 'session_started',
        'session_duration_min', 'models_used', 'total_input_tokens', 'total_output_tokens', 'total_cache_create',
        'total_cache_read', 'estimated_cost_usd', 'commits_count', 'commit_shas', 'ci_runs', 'ci_pass_rate',
        'skills_used', 'per_skill_tokens', 'subagent_count', 'per_subagent_tokens', 'problems_count',
        'problems_resolved', 'review_comments', 'lines_added', 'lines_removed', 'time_to_merge_hours', 'acceptance_status')
}

Describe 'Export-SessionAnalytics' {
    BeforeAll {
        $stats = Get-ClaudeSession -Path $samples | ConvertTo-SessionStats
        $first = Join-Path $TestDrive 'first'
        $files = $stats | Export-SessionAnalytics -OutputDirectory $first -PassThru
        $csvPath = Join-Path $first 'analytics.csv'
    }

    It 'writes analytics.csv, analytics.md and dashboard.html for local sessions' {
        $files.Name | Should -Be @('analytics.csv', 'analytics.md', 'dashboard.html')
        Get-Content (Join-Path $first 'analytics.md') -First 1 | Should -Be '# Claude Code Analytics Report'
    }

    It 'writes the design columns then repository, which Import-Csv reads back as strings' {
        $rows = Import-Csv -Path $csvPath
        $rows | Should -HaveCount @($stats).Count
        $rows[0].PSObject.Properties.Name | Should -Be ($designColumns + 'repository')
        foreach ($row in $rows) {
            $original = $stats | Where-Object SessionId -eq $row.session_id
            [long]$row.total_output_tokens | Should -Be $original.OutputTokens
            [decimal]$row.estimated_cost_usd | Should -Be $original.EstimatedCostUsd
            $row.pr_number | Should -BeNullOrEmpty
        }
    }

    It 'binds rows re-imported with Import-Csv and writes the same CSV again' {
        $second = Join-Path $TestDrive 'second'
        Import-Csv -Path $csvPath | Export-SessionAnalytics -OutputDirectory $second -Format Csv
        (Get-FileHash (Join-Path $second 'analytics.csv')).Hash | Should -Be (Get-FileHash $csvPath).Hash
    }

    It 'regenerates the report and dashboard from the CSV alone' {
        $third = Join-Path $TestDrive 'third'
        $out = Export-SessionAnalytics -CsvPath $csvPath -OutputDirectory $third -EmbedChartJs -PassThru
        $out.Name | Should -Be @('analytics.md', 'dashboard.html')
        Get-Content -Raw (Join-Path $third 'dashboard.html') | Should -Match 'Chart\.js v4\.5\.1'
    }

    It 'neutralises formulas in text cells for spreadsheets and restores them on import' {
        $dir = Join-Path $TestDrive 'hostile'
        [pscustomobject]@{ session_id = 'x1'; pr_title = '=1+2'; pr_number = '5'; target_type = 'pr' } |
            Export-SessionAnalytics -OutputDirectory $dir -Format Csv
        $raw = Get-Content (Join-Path $dir 'analytics.csv')
        $raw[1] | Should -Match '^5,pr,"''=1\+2",'
        (Import-Csv (Join-Path $dir 'analytics.csv')).pr_title | Should -Be "'=1+2"
    }

    It 'honours -WhatIf' {
        $dir = Join-Path $TestDrive 'whatif'
        $stats | Export-SessionAnalytics -OutputDirectory $dir -WhatIf
        Test-Path $dir | Should -BeFalse
    }

    It 'has table and list views for SessionAnalyticsRecord' {
        $records = $stats | ForEach-Object { [SessionAnalytics.Core.Export.SessionAnalyticsRecord]::FromStats($_) }
        ($records | Format-Table | Out-String) | Should -Match 'Session\s+Started'
        ($records | Format-List | Out-String) | Should -Match 'SessionDurationMin'
    }

    It 'exports records with Export-Csv as flat columns that Export-SessionAnalytics reads back' {
        $records = $stats | ForEach-Object { [SessionAnalytics.Core.Export.SessionAnalyticsRecord]::FromStats($_) }
        $path = Join-Path $TestDrive 'records.csv'
        $records | Export-Csv -Path $path -NoTypeInformation
        $back = Import-Csv -Path $path
        $back[0].PSObject.Properties.Name | Should -Contain 'PrNumber'
        $back[0].PSObject.Properties.Name | Should -Contain 'PerModelUsage'
        # Export-Csv writes dates and decimals in the current culture, so compare what survives that: ids and counts.
        $dir = Join-Path $TestDrive 'fromExportCsv'
        $back | Export-SessionAnalytics -OutputDirectory $dir -Format Csv
        $again = Import-Csv (Join-Path $dir 'analytics.csv')
        ($again.session_id | Sort-Object) | Should -Be ($stats.SessionId | Sort-Object)
        ($again | ForEach-Object { [long]$_.total_input_tokens } | Measure-Object -Sum).Sum | Should -Be ($stats | Measure-Object -Property InputTokens -Sum).Sum
    }
}
