#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5' }
# The SessionEnd hook of integrations/claude-code as Claude Code runs it: a pwsh process that gets the hook's JSON on
# standard input. -WhatIf keeps GitHub out of it; the built module comes through SESSIONANALYTICS_MODULE.

BeforeAll {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).ProviderPath
    $hook = Join-Path $repo 'integrations' 'claude-code' 'hooks' 'session-end.ps1'
    $manifest = if ($env:SESSIONANALYTICS_MODULE) { $env:SESSIONANALYTICS_MODULE } else { Join-Path $repo 'out' 'SessionAnalytics' 'SessionAnalytics.psd1' }
    $transcript = Get-ChildItem -LiteralPath (Join-Path $repo 'samples' 'claude' 'projects') -Recurse -Filter '*.jsonl' |
        Where-Object { $_.Name -notlike 'agent-*' -and $_.Directory.Name -like '-*' } | Select-Object -First 1
    $sessionId = $transcript.BaseName
    $json = @{ session_id = $sessionId; transcript_path = $transcript.FullName; cwd = $TestDrive; hook_event_name = 'SessionEnd'; reason = 'exit' } |
        ConvertTo-Json -Compress
    $pwsh = (Get-Process -Id $PID).Path
    $pwshArguments = if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { @(Join-Path $PSHOME 'pwsh.dll') } else { @() }

    # Starts the hook like Claude Code: JSON on stdin, which stays open unless -CloseInput.
    function Start-Hook([string[]] $HookArguments, [string] $Log, [string] $InputText = $json, [switch] $CloseInput) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($a in @($pwshArguments) + @('-NoProfile', '-NonInteractive', '-File', $hook) + @($HookArguments)) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardInput = $true
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['SESSIONANALYTICS_MODULE'] = $manifest
        $start.Environment['SESSIONANALYTICS_HOOK_LOG'] = $Log
        $start.Environment['GH_TOKEN'] = $null
        $start.Environment['GITHUB_TOKEN'] = $null
        $process = [Diagnostics.Process]::Start($start)
        $process.StandardInput.WriteLine($InputText)
        $process.StandardInput.Flush()
        if ($CloseInput) { $process.StandardInput.Close() }
        $process
    }
}

Describe 'SessionEnd hook (session-end.ps1)' {
    It 'publishes the session named by the hook JSON in the foreground with -Wait' {
        $log = Join-Path $TestDrive 'wait.log'
        $process = Start-Hook -HookArguments @('-Wait', '-WhatIf', '-Repository', 'octo-org/widget', '-Pr', '5') -Log $log -CloseInput
        $process.WaitForExit(60000) | Should -BeTrue
        $output = $process.StandardOutput.ReadToEnd() + $process.StandardError.ReadToEnd()
        $process.ExitCode | Should -Be 0 -Because $output
        $text = Get-Content -Raw -LiteralPath $log
        $text | Should -Match "Publishing session $sessionId"
        $text | Should -Not -Match 'Failed'
        if (-not $IsWindows) { [IO.File]::GetUnixFileMode($log) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') -Because 'the log is created private' }
    }

    It 'returns at once although Claude Code keeps stdin open, and publishes in the background' {
        $log = Join-Path $TestDrive 'background.log'
        $process = Start-Hook -HookArguments @('-WhatIf', '-Repository', 'octo-org/widget', '-Pr', '5') -Log $log
        try {
            $process.WaitForExit(15000) | Should -BeTrue -Because 'the hook must not wait for stdin to close'
            $process.ExitCode | Should -Be 0
        }
        finally { $process.StandardInput.Dispose() }
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Test-Path -LiteralPath $log) -and (Get-Content -Raw -LiteralPath $log) -match 'Publishing session')) {
            Start-Sleep -Milliseconds 250
        }
        Get-Content -Raw -LiteralPath $log | Should -Match "Publishing session $sessionId"
        Get-ChildItem -LiteralPath ([IO.Path]::GetTempPath()) -Filter 'sessionanalytics-hook-*.json' |
            Where-Object { (Get-Content -Raw -LiteralPath $_.FullName) -match $sessionId } | Should -BeNullOrEmpty -Because 'the background run removes the saved input'
    }

    It 'makes a log it finds world-readable private before writing to it' -Skip:$IsWindows {
        $log = Join-Path $TestDrive 'found.log'
        Set-Content -LiteralPath $log -Value 'an older run'
        [IO.File]::SetUnixFileMode($log, [IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
        $process = Start-Hook -HookArguments @('-Wait', '-WhatIf', '-Repository', 'octo-org/widget', '-Pr', '5') -Log $log -CloseInput
        $process.WaitForExit(60000) | Should -BeTrue
        Get-Content -Raw -LiteralPath $log | Should -Match "Publishing session $sessionId"
        [IO.File]::GetUnixFileMode($log) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'logs and exits 0 when stdin holds no JSON' {
        $log = Join-Path $TestDrive 'nojson.log'
        $process = Start-Hook -HookArguments @() -Log $log -InputText 'not json' -CloseInput
        $process.WaitForExit(30000) | Should -BeTrue
        $process.ExitCode | Should -Be 0
        Get-Content -Raw -LiteralPath $log | Should -Match 'No hook JSON' 
    }
}
