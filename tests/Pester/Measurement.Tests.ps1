#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Runs where full pwsh and Pester 5 exist (build.ps1 -Task Test, GitHub Actions): what the hosted engine lacks.

BeforeAll {
    $repo = Resolve-Path (Join-Path $PSScriptRoot '..' '..')
    Import-Module (Join-Path $repo 'out' 'SessionAnalytics' 'SessionAnalytics.psd1') -Force
    $samples = Join-Path $repo 'samples' 'claude'
}

Describe 'Measuring the sample sessions' {
    BeforeAll {
        $sessions = Get-ClaudeSession -Path $samples
        $stats = $sessions | ConvertTo-SessionStats
    }

    It 'finds the three sample sessions' {
        $sessions | Should -HaveCount 3
        ($sessions | Select-Object -ExpandProperty Branch | Sort-Object) | Should -Be @('feature/csv-export', 'fix/login-timeout', 'main')
    }

    It 'round-trips SessionStats through Export-Csv with flat columns and no script properties' {
        $csv = Join-Path $TestDrive 'stats.csv'
        $stats | Export-Csv -Path $csv -NoTypeInformation
        $back = Import-Csv -Path $csv
        $back | Should -HaveCount 3
        $columns = $back[0].PSObject.Properties.Name
        $columns | Should -Contain 'SessionId'
        $columns | Should -Contain 'EstimatedCostUsd'
        $columns | Should -Contain 'ModelsUsed'
        foreach ($row in $back) {
            $original = $stats | Where-Object SessionId -eq $row.SessionId
            [long]$row.OutputTokens | Should -Be $original.OutputTokens
            [decimal]$row.EstimatedCostUsd | Should -Be $original.EstimatedCostUsd
            $row.ModelsUsed | Should -Be $original.ModelsUsed
        }
    }

    It 'renders table and list views' -TestCases @(
        @{ Kind = 'sessions' }, @{ Kind = 'stats' }
    ) {
        param($Kind)
        $objects = if ($Kind -eq 'sessions') { $sessions } else { $stats }
        $table = $objects | Format-Table | Out-String
        $list = $objects | Format-List | Out-String
        $table | Should -Match 'fix/login-timeout'
        $list | Should -Match 'Branch'
    }

    It 'emits the design JSON with -AsJson' {
        $json = $sessions[0] | ConvertTo-SessionStats -AsJson | ConvertFrom-Json
        $json.session_id | Should -Be $sessions[0].Id
        $json.PSObject.Properties.Name | Should -Contain 'total_tokens'
    }
}
