#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5' }
# Issue #11's acceptance: the first ten minutes of a PowerShell user, step by step as the issue's "Why" lists them, in
# real pwsh against the built module. One Describe per step, in the issue's order:
#   1  the stats table shows the cost (80 and 120 columns, and from a host that is not a terminal)
#   2  Export-Csv writes no type name (every output type)
#   3  Import-Csv of a stats CSV | Export-SessionAnalytics gives the same analytics.csv, or an error naming the column
#   4  Get-Item / Get-ChildItem files bind to ConvertTo-SessionStats
#   5  -Current from a subdirectory of the project
#   6  type literals resolve (isolation from other modules' copies: Assemblies.Tests.ps1)
#   7  help links out (Get-Help -Online, HelpInfoUri, related links, CHANGELOG.md)
#   8  a typo is an ObjectNotFound error, not silence
#   9  a piped string is an id; -Token takes a string
#  10  the smaller items: per-model cost, booleans whole, 1h 18m, sizes, unpriced cost, -PassThru, URLs, -Verbose, tags
# Then what the issue asks beyond the ten steps: the session skills laid out as Claude Code loads them.

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

    # A session as the design's example has it: 1h 18m, $6.17 of Opus, a model without a price, an unresolved problem.
    $designSession = [SessionAnalytics.Core.Stats.SessionStatsJson]::Read(@'
{"session_id": "00b11888-7e0c-4fb4-bb39-32ea32e09b64", "project": "kagenti/kagenti", "branch": "fix/keycloak-652",
 "started_at": "2026-02-08T22:26:37Z", "ended_at": "2026-02-08T23:45:12Z", "duration_minutes": 78,
 "models": {"claude-opus-4-6": {"messages": 48, "input_tokens": 241558, "output_tokens": 835336,
              "cache_creation_tokens": 5672269, "cache_read_tokens": 9875867, "cost_usd": 6.17491234},
            "claude-future-9": {"messages": 2, "input_tokens": 10, "output_tokens": 20, "cache_creation_tokens": 0,
              "cache_read_tokens": 0, "cost_usd": null}},
 "estimated_cost_usd": 6.17, "unpriced_models": ["claude-future-9"], "tools": {"Bash": 958, "Read": 328},
 "problems_faced": [{"description": "CI lint failure on line 42", "resolved": false, "iterations": 2, "kind": "tool_error"}]}
'@)

    # What a user sees: the default view rendered at a width, one string per line.
    function Show([object[]] $InputObject, [int] $Width) { ($InputObject | Out-String -Width $Width) -split "`r?`n" }
    # Each sample session's cost as the table shows it.
    $costs = @{}
    foreach ($s in $stats) { $costs[$s.SessionIdShort] = '$' + [math]::Round($s.EstimatedCostUsd, 2).ToString('0.00', [cultureinfo]::InvariantCulture) }
}

Describe 'Step 1: the stats table shows the cost' {
    It 'at <_> columns: short id, start, duration, cost, branch and models, within the width' -ForEach 80, 120 {
        $width = $_
        $lines = Show $stats $width
        $lines | Where-Object Length -gt $width | Should -BeNullOrEmpty
        $lines[1] | Should -Match '^Session\s+Started\s+Duration\s+Cost\s+Branch\s+Models$'
        foreach ($s in $stats) {
            $row = $lines | Where-Object { $_ -like "$($s.SessionIdShort) *" }
            $row | Should -Match ("^$($s.SessionIdShort) \d{4}-\d\d-\d\d \d\d:\d\d\s+\d+m\s+" + [regex]::Escape($costs[$s.SessionIdShort]) + ' ' + [regex]::Escape($s.Branch))
        }
        ($lines | Where-Object { $_ -like '3f2a9c41 *' }) | Should -Match 'opus-4-6,'
        if ($width -eq 120) { ($lines | Where-Object { $_ -like '3f2a9c41 *' }) | Should -Match 'opus-4-6,haiku-4-5$' }
    }

    It 'from a host that is not a terminal (Claude Code''s Bash tool): the cost is printed' {
        $output = Invoke-FreshPwsh -WorkingDirectory $repo -Script "Import-Module '$manifest'; Get-ClaudeSession -Path '$samples' | ConvertTo-SessionStats"
        # Its output is not a terminal, but pwsh may still colour the header.
        $output = $output -replace "\e\[[0-9;]*m", ''
        ($output -join "`n") | Should -Match 'Session\s+Started\s+Duration\s+Cost\s+Branch\s+Models'
        foreach ($s in $stats) {
            $output | Where-Object { $_ -like "$($s.SessionIdShort) *" } | Should -Match ([regex]::Escape($costs[$s.SessionIdShort]))
        }
    }

    It 'durations as people write them, and a session without a branch shows its project' {
        (Show $designSession 80) | Where-Object { $_ -like '00b11888 *' } | Should -Match '1h 18m\s+\$6\.17\+ fix/keycloak-652\s+opus-4-6,'
        (Show $designSession 120) | Where-Object { $_ -like '00b11888 *' } | Should -Match 'opus-4-6,future-9$'
        $json = [SessionAnalytics.Core.Stats.SessionStatsJson]::Write($designSession, $true) -replace '"branch": "fix/keycloak-652"', '"branch": null'
        $noBranch = [SessionAnalytics.Core.Stats.SessionStatsJson]::Read($json)
        (Show $noBranch 80) | Where-Object { $_ -like '00b11888 *' } | Should -Match '\(kagenti/kagenti\)'
    }
}

Describe 'Step 2: Export-Csv writes no type name, for every output type' {
    BeforeAll {
        # One object of every output type the cmdlets declare, plus the extraction summary (information stream).
        $outputTypes = @(Get-Command -Module SessionAnalytics | ForEach-Object { $_.OutputType.Type } |
                Where-Object { $_ -and $_.FullName -like 'SessionAnalytics.*' } | Sort-Object FullName -Unique)
        $examples = @{
            'SessionAnalytics.Core.Transcripts.ClaudeSession'     = $sessions
            'SessionAnalytics.Core.Stats.SessionStats'            = @($stats) + $designSession
            'SessionAnalytics.Core.Workflows.WorkflowDiagram'     = $diagrams
            'SessionAnalytics.Core.Export.SessionAnalyticsRecord' = $records
            'SessionAnalytics.Core.GitHub.SessionCommentResult'   = @($commentResult)
            'SessionAnalytics.Core.GitHub.SessionSummaryResult'   = @($summaryResult)
            'SessionAnalytics.Core.Extraction.ExtractionSummary'  = @($extraction)
        }
        $typeName = 'System\.Collections|System\.Object\[\]|System\.String\[\]|SessionAnalytics\.Core\.|`\d\[|<>z__|\{\w+ = '
    }

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
        (Get-Content -LiteralPath $csv -TotalCount 1) | Should -Not -Match '^#TYPE'
        $leaks = @(Import-Csv -LiteralPath $csv | ForEach-Object { $_.PSObject.Properties } | Where-Object Value -Match $typeName |
                ForEach-Object { "$($_.Name) = $($_.Value)" } | Sort-Object -Unique)
        $leaks | Should -BeNullOrEmpty
    }

    It 'writes a session''s collections as "key=value; ..." and "a; b", totals as scalars' {
        $csv = Join-Path $TestDrive 'stats.csv'
        @($stats[1], $designSession) | Export-Csv -LiteralPath $csv
        $row, $design = Import-Csv -LiteralPath $csv
        $row.Models | Should -Be 'claude-opus-4-6=0.6366695; claude-haiku-4-5-20251001=0.0244325'
        $row.Tools | Should -Be 'Bash=9; Skill=3; Task=1'
        $row.SkillsInvoked | Should -Match '^tdd:ci=2 pass \(in \d+, out \d+\); rca:ci=1 pass \(in \d+, out \d+\)$'
        $row.SkillSequence | Should -Be 'tdd:ci; rca:ci; tdd:ci'
        $row.Subagents | Should -Be 'a3d04c8=Explore claude-haiku-4-5-20251001 (in 29, out 1970)'
        $row.Commits | Should -Be 'b41c9e2 Make the login timeout configurable; 7d0a5f3 Retry the login request once on a gateway timeout'
        $row.ProblemsFaced | Should -Match '^Bash ''npm test'' failed: .* \(resolved, 1x, tool_error\); git commit rejected: .* \(resolved, 1x, commit_failed\)$'
        $row.Branches | Should -Be 'main; fix/login-timeout'
        ($row.TotalTokens, $row.CommitCount, $row.ToolCallCount) | Should -Be @('647535', '2', '13')
        $design.Models | Should -Be 'claude-opus-4-6=6.17491234; claude-future-9=unpriced'
        $design.UnpricedModels | Should -Be 'claude-future-9'
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

Describe 'Step 3: Import-Csv of a stats CSV | Export-SessionAnalytics gives the same analytics.csv' {
    BeforeAll {
        # The samples with times to the millisecond, as real transcripts have them (Export-Csv writes times to the second).
        $precise = Join-Path $TestDrive 'precise'
        Copy-Item -Recurse -LiteralPath $samples -Destination $precise
        Get-ChildItem -Recurse -File -Filter *.jsonl -LiteralPath $precise | ForEach-Object {
            (Get-Content -Raw -LiteralPath $_.FullName) -replace '(T\d\d:\d\d:\d\d)\.000Z', '$1.481Z' | Set-Content -NoNewline -LiteralPath $_.FullName
        }
    }

    It 'the round trip and the direct pipeline write the same analytics.csv (<_>)' -ForEach 'en-US', 'de-DE' {
        # In a fresh pwsh: Export-Csv writes numbers and dates in the culture of the session that runs it.
        $culture = $_
        $out = Join-Path $TestDrive "round-$culture"
        $null = Invoke-FreshPwsh -WorkingDirectory $repo -Script @"
`$ErrorActionPreference = 'Stop'
[System.Globalization.CultureInfo]::CurrentCulture = '$culture'
Import-Module '$manifest'
`$stats = Get-ClaudeSession -Path '$precise' | ConvertTo-SessionStats
`$stats | Export-SessionAnalytics -OutputDirectory '$out/direct' -Format Csv
`$stats | Export-Csv -LiteralPath '$out/stats.csv'
Import-Csv -LiteralPath '$out/stats.csv' | Export-SessionAnalytics -OutputDirectory '$out/roundtrip' -Format Csv
"@
        if ($culture -eq 'de-DE') { Get-Content -Raw (Join-Path $out 'stats.csv') | Should -Match '"0,66"' -Because 'the CSV is in the session''s culture' }
        $direct = Get-Content -Raw (Join-Path $out 'direct' 'analytics.csv')
        $direct | Should -Match '2026-02-09T09:12:05Z' -Because 'session_started is to the second'
        Get-Content -Raw (Join-Path $out 'roundtrip' 'analytics.csv') | Should -BeExactly $direct
        @(Import-Csv (Join-Path $out 'roundtrip' 'analytics.csv') | Sort-Object session_id).total_output_tokens |
            Should -Be @($stats | Sort-Object SessionId | ForEach-Object { "$($_.OutputTokens)" }) -Because 'the figures are there, not zeros'
    }

    It 'a stats CSV that lacks a column is an error naming it, never a row of zeros' {
        $csv = Join-Path $TestDrive 'partial.csv'
        $stats | Select-Object SessionId, EstimatedCostUsd, Branch | Export-Csv -LiteralPath $csv
        $out = Join-Path $TestDrive 'partial'
        Import-Csv -LiteralPath $csv | Export-SessionAnalytics -OutputDirectory $out -Format Csv -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $problems | Should -HaveCount 4
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SessionStatsColumnMissing,*'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        "$($problems[0])" | Should -Match "session $($stats[0].SessionId) has no Project, TargetType, TargetNumber, StartedAt, DurationMinutes, InputTokens"
        $problems[3].FullyQualifiedErrorId | Should -BeLike 'AnalyticsNoUsableInput,*'
        Join-Path $out 'analytics.csv' | Should -Not -Exist -Because 'no session of zeros is written, and no empty file either'
    }

    It 'a cell that was edited or cut is an error naming the column' {
        $csv = Join-Path $TestDrive 'edited.csv'
        $stats | Export-Csv -LiteralPath $csv
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows[1].Commits = 'b41c9e2 Make the login timeout configurable'
        $rows | Export-SessionAnalytics -OutputDirectory (Join-Path $TestDrive 'edited') -Format Csv -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'SessionStatsRowInvalid,*'
        "$($problems[0])" | Should -Match "Column 'CommitCount' is '2' but Commits gives '1'"
        @(Import-Csv (Join-Path $TestDrive 'edited' 'analytics.csv')).session_id | Should -Be @($stats[0].SessionId, $stats[2].SessionId)
    }
}

Describe 'Step 4: files bind as PowerShell users expect' {
    It 'Get-Item x.jsonl | ConvertTo-SessionStats measures that session' {
        $file = Get-Item (Join-Path $samples 'projects' '-home-dev-acme-widget' '3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71.jsonl')
        $one = @($file | ConvertTo-SessionStats -ErrorAction Stop)
        $one.SessionId | Should -Be '3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71'
        $one[0].OutputTokens | Should -Be ($stats | Where-Object SessionId -eq $one[0].SessionId).OutputTokens
    }

    It 'Get-Item <folder> | ConvertTo-SessionStats says it is a folder and what measures it' {
        $folder = Get-Item (Join-Path $samples 'projects' '-home-dev-acme-widget')
        $out = @($folder | ConvertTo-SessionStats -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TranscriptIsDirectory,*'
        $errs[0].ToString() | Should -BeLike "*is a folder, not a transcript: Get-ClaudeSession -Path*"
    }

    It 'Import-Csv of a stats CSV | ConvertTo-SessionStats says where such rows go instead of a drive error' {
        $csv = Join-Path $TestDrive 'rows.csv'
        $stats | Export-Csv -LiteralPath $csv
        $out = @(Import-Csv -LiteralPath $csv | ConvertTo-SessionStats -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be $stats.Count
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TranscriptInputUnsupported,*' }
        $errs[0].ToString() | Should -BeLike '*go to Export-SessionAnalytics*'
    }

    It 'Get-ChildItem *.jsonl | ConvertTo-SessionStats measures each session once (a subagent file stands for its parent)' {
        $all = @(Get-ChildItem (Join-Path $samples 'projects' '-home-dev-acme-widget' '*.jsonl') | ConvertTo-SessionStats -ErrorAction Stop)
        @($all.SessionId | Sort-Object) | Should -Be @($stats.SessionId | Sort-Object)
    }

    It 'paths piped as strings bind to -Path' {
        @((Join-Path $samples 'projects' '-home-dev-acme-widget' '8c6d1e07-*.jsonl') | ConvertTo-SessionStats).SessionId |
            Should -Be '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28'
    }
}

Describe 'Step 5: -Current from anywhere in the project' {
    BeforeAll {
        # A project in a git repository whose session Claude Code recorded at the repository root.
        $project = Join-Path $TestDrive 'acme-widget'
        $deep = Join-Path $project 'src' 'api'
        $null = New-Item -ItemType Directory -Force -Path $deep, (Join-Path $project '.git')
        $config = Join-Path $TestDrive 'claude'
        $encoded = [SessionAnalytics.Core.Transcripts.SessionDiscovery]::EncodeProjectDirectory($project)
        $folder = New-Item -ItemType Directory -Force -Path (Join-Path $config 'projects' $encoded)
        $source = Join-Path $samples 'projects' '-home-dev-acme-widget' '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28.jsonl'
        (Get-Content -Raw $source).Replace('/home/dev/acme-widget', $project.Replace('\', '\\')) |
            Set-Content -NoNewline -LiteralPath (Join-Path $folder '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28.jsonl')
    }

    It 'finds the session from the repository root and from a folder two levels below' {
        foreach ($where in $project, $deep) {
            Push-Location -LiteralPath $where
            try { $found = @(Get-ClaudeSession -Path $config -Current -ErrorAction Stop) } finally { Pop-Location }
            $found.Id | Should -Be '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28' -Because "-Current from $where"
        }
    }

    It 'does not climb out of the repository: from elsewhere it is an ObjectNotFound error' {
        Push-Location -LiteralPath $TestDrive
        try { $found = Get-ClaudeSession -Path $config -Current -ErrorVariable problems -ErrorAction SilentlyContinue } finally { Pop-Location }
        $found | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'CurrentSessionNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Step 6: type literals resolve' {
    It '[SessionAnalytics.Core.Stats.SessionStats] resolves; -is, typed parameters and Should -BeOfType work' {
        [SessionAnalytics.Core.Stats.SessionStats].Assembly.GetName().Name | Should -Be 'SessionAnalytics.Core'
        $stats[0] -is [SessionAnalytics.Core.Stats.SessionStats] | Should -BeTrue
        $stats[0] | Should -BeOfType [SessionAnalytics.Core.Stats.SessionStats]
        $stats[0].Models[0] | Should -BeOfType [SessionAnalytics.Core.Stats.ModelUsage]
        function Get-Cost([SessionAnalytics.Core.Stats.SessionStats] $Session) { $Session.EstimatedCostUsd }
        Get-Cost $stats[1] | Should -Be $stats[1].EstimatedCostUsd
        # The module's other modules' copies of Octokit, CsvHelper and Markdig: Assemblies.Tests.ps1.
    }
}

Describe 'Step 7: help that links out' {
    It '<_> has an online page (Get-Help -Online opens it) and related links' -ForEach @((Import-PowerShellDataFile (Join-Path $PSScriptRoot '..' '..' 'SessionAnalytics.psd1')).CmdletsToExport) {
        $page = "https://github.com/sessionanalytics/SessionAnalytics/blob/main/docs/$_.md"
        $links = @((Get-Help -Name $_ -Full).relatedLinks.navigationLink)
        $links[0].uri | Should -Be $page -Because 'Get-Help -Online opens the first related link'
        (Get-Command $_).HelpUri | Should -Be $page
        Test-Path (Join-Path $repo 'docs' "$_.md") | Should -BeTrue
        (Get-Help -Name $_ -Full | Out-String -Width 200) | Should -Match ('RELATED LINKS[\s\S]*Online Version: ' + [regex]::Escape($page))
    }

    It 'the manifest points to the help and to a CHANGELOG.md that ships with the module' {
        $module.HelpInfoUri | Should -BeLike 'https://github.com/sessionanalytics/SessionAnalytics/*'
        $module.ReleaseNotes | Should -Match 'CHANGELOG\.md'
        Get-Content (Join-Path $module.ModuleBase 'CHANGELOG.md') -TotalCount 1 | Should -Be '# Changelog'
    }
}

Describe 'Step 8: a typo is an error, not silence' {
    It 'Get-ClaudeSession -Branch fix/typo is a non-terminating ObjectNotFound error naming the nearest branch' {
        $found = Get-ClaudeSession -Path $samples -Branch 'fix/login-timout' -ErrorVariable problems -ErrorAction SilentlyContinue
        $found | Should -BeNullOrEmpty
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,SessionAnalytics.PowerShell.Commands.GetClaudeSessionCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$problems" | Should -Match "Nearest: 'fix/login-timeout'"
        $problems[0].ErrorDetails.RecommendedAction | Should -BeLike "Did you mean -Branch 'fix/login-timeout'?*"
        $far = Get-ClaudeSession -Path $samples -Branch 'release/zzz-unknown' -ErrorVariable farProblems -ErrorAction SilentlyContinue
        $farProblems[0].ErrorDetails.RecommendedAction | Should -BeLike "*-Branch 'release/*'*"
    }

    It 'the typo stops the publishing pipeline with an error and $? false, instead of exiting 0 having done nothing' {
        $output = Invoke-FreshPwsh -WorkingDirectory $repo -Script "Import-Module '$manifest'; `$env:GH_TOKEN = `$null; `$env:GITHUB_TOKEN = `$null; Get-ClaudeSession -Path '$samples' -Branch fix/typo | Publish-SessionComment -Pr 652 -Repository acme/widget -WhatIf; if (`$?) { 'succeeded' } else { 'failed' }"
        $output[-1] | Should -Be 'failed'
        $output -join "`n" | Should -Match "No Claude Code session has Branch 'fix/typo'"
    }

    It 'each literal -Id, -Branch and -Project is checked; wildcards that match nothing stay silent' {
        $found = @(Get-ClaudeSession -Path $samples -Branch 'main', 'feture/csv-export' -ErrorVariable problems -ErrorAction SilentlyContinue)
        $found.Branch | Should -Contain 'main'
        "$problems" | Should -Match "'feture/csv-export'.*Nearest: 'feature/csv-export'"
        Get-ClaudeSession -Path $samples -Project 'acme-widgt' -ErrorAction SilentlyContinue -ErrorVariable projectProblems
        "$projectProblems" | Should -Match "Nearest: 'acme-widget'"
        Get-ClaudeSession -Path $samples -Id '3f2b' -ErrorAction SilentlyContinue -ErrorVariable idProblems
        "$idProblems" | Should -Match "Nearest: '3f2a9c41-"
        Get-ClaudeSession -Path $samples -Branch 'nope/*' -Project '*nothing*' -ErrorVariable silent | Should -BeNullOrEmpty
        $silent | Should -BeNullOrEmpty
    }
}

Describe 'Step 9: strings bind as ids and tokens' {
    It '''258c'' | Get-ClaudeSession is an id (prefix), not hook JSON' {
        @('3f2a' | Get-ClaudeSession -Path $samples -ErrorAction Stop).Id | Should -Be '3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71'
        @('3f2a', '8c6d' | Get-ClaudeSession -Path $samples).Count | Should -Be 2
    }

    It 'hook JSON piped as text is still read as the hook''s session' {
        $transcript = Join-Path $samples 'projects' '-home-dev-acme-widget' '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28.jsonl'
        $json = @{ session_id = '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28'; transcript_path = $transcript; cwd = '.' } | ConvertTo-Json -Compress
        @($json | Get-ClaudeSession -ErrorAction Stop).Id | Should -Be '8c6d1e07-2f4b-4a39-8e15-0b7c3a9d4f28'
    }

    It '-Token takes a plain string or a SecureString on every GitHub cmdlet' {
        foreach ($name in 'Publish-SessionComment', 'Update-SessionSummary', 'Get-SessionAnalytics') {
            $parameter = (Get-Command $name).Parameters['Token']
            $parameter.ParameterType | Should -Be ([securestring])
            $parameter.Attributes.TypeId.Name | Should -Contain 'SecureStringArgumentAttribute' -Because "$name -Token takes a string"
        }
        { $stats[0] | Publish-SessionComment -Repository acme/widget -Pr 652 -Token 'ghp_plainText123' -ApiUrl http://127.0.0.1:9/ -WhatIf -ErrorAction Stop } | Should -Not -Throw
        { $stats[0] | Publish-SessionComment -Repository acme/widget -Pr 652 -Token (ConvertTo-SecureString 'ghp_x' -AsPlainText) -ApiUrl http://127.0.0.1:9/ -WhatIf -ErrorAction Stop } | Should -Not -Throw
        # Past binding: the token is used, the unreachable API fails the call, and the token appears nowhere.
        $problem = $null
        try { Get-SessionAnalytics -Repository acme/widget -Token 'ghp_plainText123' -ApiUrl http://127.0.0.1:9/ -NoCache -ErrorAction Stop } catch { $problem = $_ }
        $problem | Should -Not -BeNullOrEmpty
        $problem.FullyQualifiedErrorId | Should -Not -BeLike '*ParameterArgumentTransformationError*'
        "$problem $($problem.Exception)" | Should -Not -Match 'ghp_plainText123'
    }
}

Describe 'Step 10: the smaller things' {
    It 'per-model cost to the cent, tokens as 16.6M, an unpriced model''s cost says so (<_> columns)' -ForEach 80, 120 {
        $width = $_
        $lines = Show $designSession.Models $width
        $lines | Where-Object Length -gt $width | Should -BeNullOrEmpty
        $lines[1] | Should -Match '^Model\s+Messages\s+Input\s+Output\s+CacheWrite\s+CacheRead\s+Cost$'
        $lines | Where-Object { $_ -like 'claude-opus-4-6 *' } | Should -Match '\s48\s+241\.6K\s+835\.3K\s+5\.7M\s+9\.9M\s+\$6\.17$'
        $lines | Where-Object { $_ -like 'claude-future-9 *' } | Should -Match '\s2\s+10\s+20\s+0\s+0\s+unpriced$'
        (Show $stats[1].Models $width) -join "`n" | Should -Not -Match '\d\.\d{3}' -Because 'no cost with 8 decimals'
        (Show $designSession $width) | Where-Object { $_ -like '00b11888 *' } | Should -Match '\$6\.17\+' -Because 'the session''s cost leaves an unpriced model out'
    }

    It 'booleans whole: Resolved shows True or False, not …lse' {
        foreach ($width in 80, 120) {
            $lines = Show $designSession.ProblemsFaced $width
            $lines[1] | Should -Match '^Resolved\s+Iterations\s+Kind\s+Description$'
            $lines | Where-Object { $_ -match 'CI lint failure' } | Should -Match '^False\s+2 tool_error\s+CI lint failure on line 42$'
            (Show $stats[1].ProblemsFaced $width) | Where-Object { $_ -match 'npm test' } | Should -Match '^True\s'
        }
    }

    It 'skills, subagents and commits have tables within 80 columns' {
        foreach ($case in @(
                @{ Objects = $stats[1].SkillsInvoked; Header = '^Skill\s+Count\s+Status\s+Input\s+Output$'; Row = '^tdd:ci\s+2 pass\s+69\s+3\.8K$' }
                @{ Objects = $stats[1].Subagents; Header = '^Id\s+Type\s+Model\s+Input\s+Output\s+Description$'; Row = '^a3d04c8\s+Explore\s+haiku-4-5\s+29\s+2K Explore' }
                @{ Objects = $stats[1].Commits; Header = '^Sha\s+Branch\s+Message$'; Row = '^b41c9e2\s+fix/login-timeout\s+Make the login timeout configurable$' })) {
            $lines = Show $case.Objects 80
            $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
            $lines[1] | Should -Match $case.Header
            $lines | Where-Object { $_ -match $case.Row } | Should -Not -BeNullOrEmpty -Because "$($case.Row) in:`n$($lines -join "`n")"
        }
    }

    It 'the stats list shows exact figures and each collection in its CSV form' {
        $text = $stats[1] | Format-List | Out-String -Width 200
        $text | Should -Match 'EstimatedCostUsd\s+: 0\.66'
        $text | Should -Match 'Models\s+: claude-opus-4-6=0\.6366695; claude-haiku-4-5-20251001=0\.0244325'
        $text | Should -Match 'Tools\s+: Bash=9; Skill=3; Task=1'
        $text | Should -Not -Match '\{\}|\{\w'
    }

    It 'sessions at 80 columns: short id, start, duration, size (not 0 MB), branch and project, nothing cut' {
        $lines = Show $sessions 80
        $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        $lines[1] | Should -Match '^ShortId\s+Started\s+Duration\s+Size\s+Branch\s+Project$'
        $row = $lines | Where-Object { $_ -like '3f2a9c41*' }
        $row | Should -Match '3f2a9c41 \d{4}-\d\d-\d\d \d\d:\d\d\s+\d+m\s+\d+\.\d KB fix/login-timeout\s+acme-widget$'
        $lines -join "`n" | Should -Not -Match ' 0 ' -Because 'a small session is some KB, not 0 MB'
        (Show $sessions 120)[1] | Should -Match '^ShortId\s+Started\s+Duration\s+Size\s+Branch\s+Project$'
        (Show $sessions 120) | Where-Object { $_ -like '*…*' } | Should -BeNullOrEmpty
    }

    It 'sessions and their stats show the same duration (both rounded to the minute)' {
        $sessionRows = Show $sessions 120
        $statsRows = Show $stats 120
        foreach ($s in $stats) {
            $pattern = "^$($s.SessionIdShort)\b.*?\s(\d+m|\d+h \d+m)\s"
            ($sessionRows | Where-Object { $_ -match $pattern } | Select-Object -First 1) -match $pattern | Should -BeTrue
            $shownInSessions = $Matches[1]
            ($statsRows | Where-Object { $_ -match $pattern } | Select-Object -First 1) -match $pattern | Should -BeTrue
            $shownInSessions | Should -Be $Matches[1] -Because "session $($s.SessionIdShort) lasted $($s.DurationMinutes) minutes"
            $shownInSessions | Should -Be ([SessionAnalytics.Core.Comments.CommentFormatting]::Duration($s.DurationMinutes))
        }
    }

    It 'records show the cost in dollars and the duration as people write it' {
        foreach ($width in 80, 120) {
            $lines = Show $records $width
            $lines | Where-Object Length -gt $width | Should -BeNullOrEmpty
            $lines[1] | Should -Match '^Target\s+Session\s+Started\s+Duration\s+Cost\s+Status$'
            $row = $lines | Where-Object { $_ -match $records[1].SessionIdShort }
            $row | Should -Match ([regex]::Escape($costs[$records[1].SessionIdShort]))
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

    It 'Export-SessionAnalytics -PassThru returns the files as Get-Item does, with no blank columns' {
        $files = @($stats | Export-SessionAnalytics -OutputDirectory (Join-Path $TestDrive 'passthru') -PassThru)
        $files.Name | Should -Be @('analytics.csv', 'analytics.md', 'dashboard.html')
        $files[0].PSPath | Should -BeLike '*FileSystem::*analytics.csv'
        $row = ($files | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ -match 'analytics\.csv$' }
        $row | Should -Match "\b$($files[0].Length) analytics\.csv$" -Because 'the size column is filled'
    }

    It 'Get-ClaudeSession -Verbose says which roots and how many transcripts it read' {
        $verbose = Get-ClaudeSession -Path $samples -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("Looking for sessions in '$samples'"))
        ($verbose.Message -join "`n") | Should -Match '3 session transcript\(s\)'
        ($verbose.Message -join "`n") | Should -Match 'Read the head and tail of 3 of 3 session\(s\) \(6 transcript file\(s\) counted\); 3 matched'
    }

    It 'the package tags name every cmdlet, so Find-PSResource -Command finds the module' {
        foreach ($name in $module.ExportedCmdlets.Keys) { $module.Tags | Should -Contain "PSCommand_$name" }
    }
}

Describe 'Beyond the ten steps: skills where Claude Code finds them' {
    BeforeAll {
        $plugin = Join-Path $repo 'integrations' 'claude-code' 'plugin'
        $manifestJson = Get-Content -Raw (Join-Path $plugin '.claude-plugin' 'plugin.json') | ConvertFrom-Json
        $skillFolders = @(Get-ChildItem -Directory (Join-Path $plugin 'skills'))
        function Get-Frontmatter([string] $Path) {
            $text = Get-Content -Raw -LiteralPath $Path
            if ($text -notmatch '(?s)^---\r?\n(.*?)\r?\n---') { return $null }
            $fields = @{}
            foreach ($line in $Matches[1] -split '\r?\n') { if ($line -match '^(\w[\w-]*):\s*(.*)$') { $fields[$Matches[1]] = $Matches[2] } }
            $fields
        }
    }

    It 'is a plugin named session, so its skills are session:<skill>' {
        $manifestJson.name | Should -Be 'session'
        $skillFolders.Name | Sort-Object | Should -Be @('analytics', 'dashboard', 'extract', 'post', 'summary')
    }

    It 'has each skill in a top-level folder whose SKILL.md names it by the folder, in Claude Code''s name rules' {
        foreach ($folder in $skillFolders) {
            @(Get-ChildItem -Recurse -Filter SKILL.md -LiteralPath $folder.FullName) | Should -HaveCount 1 -Because 'nested skill folders are not discovered'
            $front = Get-Frontmatter (Join-Path $folder.FullName 'SKILL.md')
            $front | Should -Not -BeNullOrEmpty
            $front.name | Should -Be $folder.Name
            $front.name | Should -Match '^[a-z0-9]+(-[a-z0-9]+)*$' -Because 'lowercase letters, digits and hyphens; no ":" (not allowed in Windows paths)'
            $front.name.Length | Should -BeLessOrEqual 64
            $front.description.Length | Should -BeGreaterThan 20
            $front.description.Length | Should -BeLessOrEqual 1024
        }
    }

    It 'is listed by the repository''s marketplace, so /plugin install session@sessionanalytics works from a clone' {
        $marketplace = Get-Content -Raw (Join-Path $repo '.claude-plugin' 'marketplace.json') | ConvertFrom-Json
        $entry = $marketplace.plugins | Where-Object name -eq 'session'
        $entry | Should -Not -BeNullOrEmpty
        (Resolve-Path (Join-Path $repo $entry.source)).ProviderPath | Should -Be (Resolve-Path $plugin).ProviderPath
        $marketplace.name | Should -Be 'sessionanalytics'
    }

    It 'every session:<name> the skills, docs and samples mention is a skill of the plugin' {
        $files = @(Get-ChildItem -Recurse -File -Include *.md, *.json (Join-Path $repo 'integrations'), (Join-Path $repo 'docs'), (Join-Path $repo 'samples' 'skills')) + @(Get-Item (Join-Path $repo 'README.md'))
        $names = $files | Select-String -Pattern 'session:([a-z][a-z0-9-]*)' -AllMatches | ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $names | Should -Not -BeNullOrEmpty
        foreach ($name in $names) { $skillFolders.Name | Should -Contain $name -Because "session:$name is mentioned" }
    }

    It 'links between the skills resolve' {
        foreach ($folder in $skillFolders) {
            $text = Get-Content -Raw (Join-Path $folder.FullName 'SKILL.md')
            foreach ($link in [regex]::Matches($text, '\]\((\.\./[^)]+)\)')) {
                Test-Path (Join-Path $folder.FullName $link.Groups[1].Value) | Should -BeTrue -Because "$($folder.Name) links $($link.Groups[1].Value)"
            }
        }
    }
}
