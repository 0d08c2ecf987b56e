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

Describe 'Step 4: files bind as PowerShell users expect' {
    It 'Get-Item x.jsonl | ConvertTo-SessionStats measures that session' {
        $file = Get-Item (Join-Path $samples 'projects' '-home-dev-acme-widget' '3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71.jsonl')
        $one = @($file | ConvertTo-SessionStats -ErrorAction Stop)
        $one.SessionId | Should -Be '3f2a9c41-7b1e-4d52-9a0c-5e8f1d2b6a71'
        $one[0].OutputTokens | Should -Be ($stats | Where-Object SessionId -eq $one[0].SessionId).OutputTokens
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

Describe 'Step 8: a typo is an error, not silence' {
    It 'Get-ClaudeSession -Branch fix/typo is a non-terminating ObjectNotFound error naming the nearest branch' {
        $found = Get-ClaudeSession -Path $samples -Branch 'fix/login-timout' -ErrorVariable problems -ErrorAction SilentlyContinue
        $found | Should -BeNullOrEmpty
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'SessionNotFound,SessionAnalytics.PowerShell.Commands.GetClaudeSessionCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$problems" | Should -Match "Nearest: 'fix/login-timeout'"
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

    It '-Verbose says which roots and how many transcripts it read' {
        $verbose = Get-ClaudeSession -Path $samples -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match ([regex]::Escape("Looking for sessions in '$samples'"))
        ($verbose.Message -join "`n") | Should -Match '3 session transcript\(s\)'
        ($verbose.Message -join "`n") | Should -Match 'Read the head and tail of 3 of 3 session\(s\) \(6 transcript file\(s\) counted\); 3 matched'
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

    It 'the package tags name every cmdlet, so Find-PSResource -Command finds the module' {
        foreach ($name in $module.ExportedCmdlets.Keys) { $module.Tags | Should -Contain "PSCommand_$name" }
    }
}

Describe 'Skills where Claude Code finds them' {
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

Describe 'Step 10: smaller things' {
    It 'Export-SessionAnalytics -PassThru returns the files as Get-Item does, with no blank columns' {
        $files = @($stats | Export-SessionAnalytics -OutputDirectory (Join-Path $TestDrive 'passthru') -PassThru)
        $files.Name | Should -Be @('analytics.csv', 'analytics.md', 'dashboard.html')
        $files[0].PSPath | Should -BeLike '*FileSystem::*analytics.csv'
        $row = ($files | Out-String -Width 80) -split "`r?`n" | Where-Object { $_ -match 'analytics\.csv$' }
        $row | Should -Match "\b$($files[0].Length) analytics\.csv$" -Because 'the size column is filled'
    }
}
