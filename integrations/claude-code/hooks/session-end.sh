#!/usr/bin/env bash
# Claude Code SessionEnd hook for machines without pwsh: publishes the session that just ended through
# SessionAnalytics.Runner (the PowerShell engine hosted by .NET, with the module imported).
#
#   SESSIONANALYTICS_RUNNER   path to SessionAnalytics.Runner.dll (dotnet build puts it in
#                             src/SessionAnalytics.Runner/bin/<Configuration>/net10.0/); required
#   SESSIONANALYTICS_MODULE   the module manifest; default: the out/SessionAnalytics the runner was built with
#   SESSIONANALYTICS_HOOK_LOG where the background run logs; default: $TMPDIR/sessionanalytics-hook.log
#   SESSIONANALYTICS_PUBLISH_ARGS  extra Publish-SessionComment arguments, e.g. "-Issue 42" or "-NoSummary"
#
# The hook's JSON arrives on stdin; it is passed to the runner in an environment variable (never on a command
# line, which other users can see), and the runner works in the background so the session's end is not delayed.
set -u

log="${SESSIONANALYTICS_HOOK_LOG:-${TMPDIR:-/tmp}/sessionanalytics-hook.log}"
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Claude Code may keep stdin open after the JSON: wait up to 5 seconds for the first line, then take further
# lines only while they keep coming (one second each), so an open stdin costs a second, not the timeout.
input=""
line=""
if IFS= read -r -t 5 line; then
  input="$line"
  while IFS= read -r -t 1 line; do input+=$'\n'"$line"; done
fi
input+=$'\n'"$line"   # what an unterminated or timed-out read left behind
if [ -z "${input//[[:space:]]/}" ]; then
  echo "$(stamp) [$$] no hook JSON on stdin; nothing published" >>"$log"
  exit 0
fi
runner="${SESSIONANALYTICS_RUNNER:-}"
if [ -z "$runner" ] || [ ! -f "$runner" ]; then
  echo "$(stamp) [$$] SESSIONANALYTICS_RUNNER does not name SessionAnalytics.Runner.dll ('$runner'); nothing published" >>"$log"
  exit 0
fi

export SESSIONANALYTICS_HOOK_INPUT="$input"
pipeline="Get-ClaudeSession -HookInput \$env:SESSIONANALYTICS_HOOK_INPUT | Publish-SessionComment ${SESSIONANALYTICS_PUBLISH_ARGS:-}"
echo "$(stamp) [$$] publishing: $pipeline" >>"$log"
if command -v setsid >/dev/null 2>&1; then detach=(setsid); else detach=(); fi
nohup "${detach[@]}" dotnet "$runner" "$pipeline" >>"$log" 2>&1 </dev/null &
exit 0
