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
#
# The log is readable by its owner only (0600), and the values of GH_TOKEN and GITHUB_TOKEN are masked in every line
# written to it (the module already scrubs the token from its messages; this also covers anything else that prints).
set -u
umask 077

log="${SESSIONANALYTICS_HOOK_LOG:-${TMPDIR:-/tmp}/sessionanalytics-hook.log}"
# Never append to a log someone else owns (another user could have created it in the shared temp folder to read it).
if [ -e "$log" ] || [ -L "$log" ]; then
  if [ -L "$log" ] || [ ! -O "$log" ]; then
    echo "sessionanalytics hook: $log is not a file of this user; logging to /dev/null" >&2
    log=/dev/null
  else
    chmod 600 "$log" 2>/dev/null
  fi
fi
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# Copies stdin to stdout with the tokens of the environment masked.
mask() {
  local line secret
  while IFS= read -r line || [ -n "$line" ]; do
    for secret in "${GH_TOKEN:-}" "${GITHUB_TOKEN:-}"; do
      [ -n "$secret" ] && line="${line//"$secret"/***}"
    done
    printf '%s\n' "$line"
  done
}
export -f mask

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
echo "$(stamp) [$$] publishing: $pipeline" | mask >>"$log"
if command -v setsid >/dev/null 2>&1; then detach=(setsid); else detach=(); fi
# The runner and the masking filter leave the hook's session together, so the end of Claude Code stops neither.
nohup "${detach[@]}" bash -c 'dotnet "$1" "$2" </dev/null 2>&1 | mask >>"$3"' sh "$runner" "$pipeline" "$log" >/dev/null 2>&1 </dev/null &
exit 0
