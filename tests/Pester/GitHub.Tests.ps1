# Needs full pwsh (Format-Table, Format-List): runs where pwsh exists, against the built module.
# The GitHub behaviour itself is tested in xunit against the fake GitHub (tests/Unit/GitHub); this checks the views
# and that -WhatIf works with no token and no network in a real shell.
BeforeAll {
    $repoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    Import-Module "$repoRoot/out/SessionAnalytics/SessionAnalytics.psd1" -Force
    $commentResult = [SessionAnalytics.Core.GitHub.SessionCommentResult]@{
        Repository = 'octo-org/widget'
        Number     = 652
        TargetType = 'pr'
        SessionId  = '00b11888-7e0c-4fb4-bb39-32ea32e09b64'
        Action     = 'Updated'
        CommentId  = 1234567
        Url        = 'https://github.com/octo-org/widget/pull/652#issuecomment-1234567'
    }
    $summaryResult = [SessionAnalytics.Core.GitHub.SessionSummaryResult]@{
        Repository   = 'octo-org/widget'
        Number       = 652
        TargetType   = 'pr'
        Action       = 'Created'
        SessionCount = 3
        TotalCostUsd = [decimal]34.21
        Url          = 'https://github.com/octo-org/widget/pull/652#issuecomment-7654321'
    }
}

Describe 'GitHub result views' {
    It 'shows a session comment result as a table row' {
        $text = $commentResult | Format-Table | Out-String
        foreach ($column in 'Session', 'Action', 'Repository', 'Target', 'Url') { $text | Should -Match $column }
        $text | Should -Match '00b11888'
        $text | Should -Match 'pr #652'
    }

    It 'lists every field of a session comment result' {
        $text = $commentResult | Format-List | Out-String
        foreach ($field in 'SessionId', 'CommentId', 'Length', 'Duplicates') { $text | Should -Match $field }
    }

    It 'shows a summary result as a table row and a list' {
        $table = $summaryResult | Format-Table | Out-String
        foreach ($column in 'Repository', 'Target', 'Action', 'Sessions', 'Cost', 'Url') { $table | Should -Match $column }
        $table | Should -Match ([regex]::Escape('$34.21'))
        $list = $summaryResult | Format-List | Out-String
        foreach ($field in 'Sessions', 'Skipped', 'Rounds', 'Converged') { $list | Should -Match $field }
    }
}

Describe 'Publish-SessionComment -WhatIf' {
    It 'needs no token and reaches no server' {
        $stats = [SessionAnalytics.Core.Stats.SessionStats]@{ SessionId = '00b11888-7e0c-4fb4-bb39-32ea32e09b64' }
        $saved = $env:GH_TOKEN, $env:GITHUB_TOKEN
        try {
            $env:GH_TOKEN = $null; $env:GITHUB_TOKEN = $null
            $result = $stats | Publish-SessionComment -Repository octo-org/widget -Pr 652 -ApiUrl http://127.0.0.1:9/ -WhatIf -ErrorVariable problems
            $result | Should -BeNullOrEmpty
            $problems | Should -BeNullOrEmpty
        }
        finally {
            $env:GH_TOKEN, $env:GITHUB_TOKEN = $saved
        }
    }
}
