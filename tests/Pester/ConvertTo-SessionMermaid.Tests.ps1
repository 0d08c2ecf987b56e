# Needs full pwsh (Format-Table, Select-Object): runs where pwsh exists, against the built module.
BeforeAll {
    $repoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repoRoot/out/SessionAnalytics/SessionAnalytics.psd1" -Force

    $skills = Join-Path $TestDrive 'skills'
    New-Item -ItemType Directory -Path "$skills/ci" -Force | Out-Null
    Set-Content -LiteralPath "$skills/ci/SKILL.md" -Value @'
# CI

```mermaid
flowchart TB
    STATUS[ci:status] --> RESULT{Result}
    RESULT -->|pass| MERGE[Ready to merge]
    RESULT -->|fail| RERUN[ci:rerun]
    RERUN --> STATUS
```
'@
    $stats = [SessionAnalytics.Core.Stats.SessionStats]@{
        SessionId    = '00b11888-7e0c-4fb4-bb39-32ea32e09b64'
        SkillSequence = [string[]]@('ci:status', 'ci:rerun', 'ci:status')
    }
}

Describe 'ConvertTo-SessionMermaid' {
    It 'emits a diagram with counters and colours' {
        $diagram = $stats | ConvertTo-SessionMermaid -SkillsPath $skills
        $diagram.Family | Should -Be 'ci'
        $diagram.TraversedEdges | Should -Be 3
        $diagram.FailureEdges | Should -Be 1
        $diagram.Mermaid | Should -Match ([regex]::Escape('RESULT -->|"fail (1x)"| RERUN'))
        $diagram.Mermaid | Should -Match 'linkStyle 2 stroke:#F44336'
    }

    It 'has a table view with the useful columns' {
        $text = $stats | ConvertTo-SessionMermaid -SkillsPath $skills | Format-Table | Out-String
        foreach ($column in 'Session', 'Family', 'Traversed', 'Links', 'Failures', 'Template') {
            $text | Should -Match $column
        }
        $text | Should -Match '00b11888'
    }

    It 'has a list view that shows the edges and the Mermaid text' {
        $text = $stats | ConvertTo-SessionMermaid -SkillsPath $skills | Format-List | Out-String
        $text | Should -Match 'STATUS->RESULT = 1'
        $text | Should -Match 'flowchart TB'
    }

    It 'exports flat scalar columns to CSV' {
        $csv = $stats | ConvertTo-SessionMermaid -SkillsPath $skills | Select-Object Family, TraversedEdges, TotalEdges | ConvertTo-Csv
        $csv[1] | Should -Be '"ci","3","4"'
    }

    It 'has help with examples' {
        $help = Get-Help ConvertTo-SessionMermaid -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
    }
}
