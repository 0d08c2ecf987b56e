#Requires -Version 7.4
<#
.SYNOPSIS
    Claude Code SessionEnd hook: publishes the session that just ended to its pull request (or issue).

.DESCRIPTION
    Claude Code runs this with the hook's JSON on standard input ({"session_id", "transcript_path", "cwd",
    "hook_event_name", "reason"}). The script reads that JSON, returns at once, and publishes in a background
    pwsh process: Claude Code does not wait long for SessionEnd hooks when it exits, and a hook must never hold up
    the user. What the background run does (and every error) goes to -LogPath.

    The publishing itself is the module's pipeline:
        Get-ClaudeSession -HookInput $json | Publish-SessionComment
    which finds the open pull request of the session's branch in the repository of the session's directory
    (or -Pr/-Issue/-Repository when given) and creates or updates the session's comment and the summary.

.EXAMPLE
    # In ~/.claude/settings.json (see settings.pwsh.json beside this script):
    pwsh -NoProfile -NonInteractive -File "$HOME/.claude/hooks/sessionanalytics/session-end.ps1"

.EXAMPLE
    # Try it by hand, in the foreground, without posting anything:
    '{"session_id":"<id>","transcript_path":"<path>.jsonl","cwd":"."}' |
        pwsh -NoProfile -File ./session-end.ps1 -Wait -WhatIf
#>
[CmdletBinding()]
param(
    # Post to this pull request instead of the one whose head is the session's branch.
    [int] $Pr,
    # Post to this issue instead of a pull request.
    [int] $Issue,
    # owner/name; default: GITHUB_REPOSITORY, else the origin remote of the session's directory.
    [string] $Repository,
    # Do not refresh the summary comment.
    [switch] $NoSummary,
    # Publish in the foreground (for trying the hook by hand).
    [switch] $Wait,
    # Show what would be posted without posting (implies nothing is sent to GitHub).
    [switch] $WhatIf,
    # The module to import; default: SESSIONANALYTICS_MODULE, else SessionAnalytics from PSModulePath.
    [string] $ModulePath = $env:SESSIONANALYTICS_MODULE,
    [string] $LogPath = $(if ($env:SESSIONANALYTICS_HOOK_LOG) { $env:SESSIONANALYTICS_HOOK_LOG } else { Join-Path ([IO.Path]::GetTempPath()) 'sessionanalytics-hook.log' }),
    # Internal: the background run reads the saved hook input from this file.
    [string] $HookInputFile
)

$ErrorActionPreference = 'Stop'

# The log is readable by its owner only: it names repositories and pull requests, and errors from a misbehaving
# server could quote anything. The values of GH_TOKEN and GITHUB_TOKEN are masked in every line (the module already
# scrubs the token from its own messages). A log file that this user cannot make private is not written to.
function Write-Log([string] $Message) {
    try {
        foreach ($secret in @($env:GH_TOKEN, $env:GITHUB_TOKEN)) {
            if ($secret) { $Message = $Message.Replace($secret, '***') }
        }
        if (-not $IsWindows) {
            if (Test-Path -LiteralPath $LogPath) {
                if ((Get-Item -LiteralPath $LogPath -Force).LinkType) { return }
                [IO.File]::SetUnixFileMode($LogPath, [IO.UnixFileMode]'UserRead, UserWrite')
            }
            else {
                $options = [IO.FileStreamOptions]@{ Mode = 'CreateNew'; Access = 'Write'; UnixCreateMode = [IO.UnixFileMode]'UserRead, UserWrite' }
                try { [IO.File]::Open($LogPath, $options).Dispose() } catch [IO.IOException] { }
            }
        }
        Add-Content -LiteralPath $LogPath -Value "$([DateTime]::UtcNow.ToString('o')) [$PID] $Message"
    }
    catch { }
}

# Claude Code may keep standard input open after writing the JSON, so read until a complete JSON object has
# arrived, the stream ends, or a few seconds pass, whichever comes first.
function Read-HookInput {
    $reader = [IO.StreamReader]::new([Console]::OpenStandardInput(), [Text.UTF8Encoding]::new($false))
    $text = [Text.StringBuilder]::new()
    $chunk = [char[]]::new(8192)
    $deadline = [DateTime]::UtcNow.AddSeconds(5)
    while ($true) {
        $left = $deadline - [DateTime]::UtcNow
        if ($left -le [TimeSpan]::Zero) { break }
        $read = $reader.ReadAsync($chunk, 0, $chunk.Length)
        if (-not $read.Wait($left) -or $read.Result -eq 0) { break }
        [void]$text.Append($chunk, 0, $read.Result)
        if (Test-Json -Json $text.ToString() -ErrorAction SilentlyContinue) { break }
    }
    $text.ToString()
}

function Publish-EndedSession([string] $Json) {
    $hook = $Json | ConvertFrom-Json
    Write-Log "Publishing session $($hook.session_id) ($($hook.hook_event_name), reason: $($hook.reason))"
    if ($hook.cwd -and (Test-Path -LiteralPath $hook.cwd)) { Set-Location -LiteralPath $hook.cwd }
    if ($ModulePath) { Import-Module $ModulePath } else { Import-Module SessionAnalytics }

    $publish = @{}
    if ($Pr) { $publish.Pr = $Pr }
    if ($Issue) { $publish.Issue = $Issue }
    if ($Repository) { $publish.Repository = $Repository }
    if ($NoSummary) { $publish.NoSummary = $true }
    if ($WhatIf) { $publish.WhatIf = $true }
    Get-ClaudeSession -HookInput $Json | Publish-SessionComment @publish -ErrorAction Continue *>&1 |
        ForEach-Object { Write-Log "$_"; if ($Wait) { $_ } }
}

try {
    if ($HookInputFile) {
        # The background run started below.
        $json = Get-Content -Raw -LiteralPath $HookInputFile
        Remove-Item -LiteralPath $HookInputFile -ErrorAction SilentlyContinue
        Publish-EndedSession $json
        return
    }

    $json = Read-HookInput
    if (-not (Test-Json -Json $json -ErrorAction SilentlyContinue)) {
        Write-Log "No hook JSON on standard input (got $($json.Length) characters); nothing published."
        return
    }
    if ($Wait) { Publish-EndedSession $json; return }

    # Hand the input to a detached pwsh through a private file (command lines are visible to other users).
    $inputFile = Join-Path ([IO.Path]::GetTempPath()) "sessionanalytics-hook-$([guid]::NewGuid().ToString('N')).json"
    Set-Content -LiteralPath $inputFile -Value $json -NoNewline
    if (-not $IsWindows) { & chmod 600 $inputFile }
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-HookInputFile', $inputFile, '-LogPath', $LogPath)
    if ($Pr) { $arguments += '-Pr', $Pr }
    if ($Issue) { $arguments += '-Issue', $Issue }
    if ($Repository) { $arguments += '-Repository', $Repository }
    if ($NoSummary) { $arguments += '-NoSummary' }
    if ($WhatIf) { $arguments += '-WhatIf' }
    if ($ModulePath) { $arguments += '-ModulePath', $ModulePath }
    # The pwsh of this very run ($PSHOME), also when it is hosted by dotnet (the PowerShell dotnet tool).
    $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
    if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = [Environment]::ProcessPath; $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
    if ($IsWindows) {
        # Own output files, so Claude Code is not left waiting on pipes the background run would hold open.
        $quoted = $arguments | ForEach-Object { '"' + ("$_" -replace '"', '\"') + '"' }
        Start-Process -FilePath $pwsh -ArgumentList ($quoted -join ' ') -WindowStyle Hidden `
            -RedirectStandardOutput "$LogPath.out" -RedirectStandardError "$LogPath.err"
    }
    else {
        # Exact argv through sh, which points the output at the log, lets go of Claude Code's pipes and stdin,
        # and leaves the hook's session (setsid where it exists, else nohup) so the end of Claude Code cannot stop it.
        $start = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $start.UseShellExecute = $false
        $start.Environment['SESSIONANALYTICS_HOOK_OUTPUT'] = "$LogPath.out"
        foreach ($argument in @('-c', 'umask 077; exec >>"$SESSIONANALYTICS_HOOK_OUTPUT" 2>&1 </dev/null; if command -v setsid >/dev/null 2>&1; then exec setsid "$@"; else exec nohup "$@"; fi', 'sh', $pwsh) + $arguments) {
            $start.ArgumentList.Add([string]$argument)
        }
        [void][Diagnostics.Process]::Start($start)
    }
}
catch {
    # A hook that fails must not disturb the session's end: log it and exit 0.
    Write-Log "Failed: $($_.Exception.Message)"
    if ($Wait) { throw }
}
