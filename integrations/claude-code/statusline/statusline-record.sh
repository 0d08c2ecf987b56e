#!/usr/bin/env bash
# SessionAnalytics status line recorder for Claude Code.
#
# Claude Code runs the status line command after conversation updates and passes it one JSON object on stdin:
# session_id, transcript_path, cwd, model, version, cost.total_cost_usd, context_window.total_input_tokens and
# total_output_tokens (computed from final usage), and more. This script saves the latest object of each session as
# <data dir>/<session_id>.json, so SessionAnalytics can show Claude Code's own figures beside its own, and then runs
# the status line command you already had (its arguments), which gets the same stdin and prints what it prints.
#
#   settings.json:  "statusLine": { "type": "command",
#                     "command": "bash ~/.claude/sessionanalytics/statusline-record.sh ~/.claude/statusline.sh" }
#
#   SESSIONANALYTICS_STATUSLINE_DIR    where to record; default: ${CLAUDE_CONFIG_DIR:-~/.claude}/sessionanalytics/statusline
#   SESSIONANALYTICS_STATUSLINE_DEBUG  a file to which the reasons for not recording are appended (off when unset)
#
# It runs often, so it costs one bash and, when it records, one `mv` (the atomic rename): no jq, no PowerShell, no
# .NET. It never breaks the status line: whatever goes wrong while recording, it records nothing, prints nothing,
# and still runs the chained command with the same input, whose output and exit status become its own.
# Works with bash 3.2 (macOS) and later, and Git Bash on Windows. Details and install steps: README.md beside it.

umask 077 # the directory and the files it creates are the user's alone

sa_input=
# All of stdin with a builtin: stops at EOF (status 1, expected) or at a NUL byte (status 0), which no JSON contains.
IFS= read -r -d '' sa_input
sa_nul=$(( $? == 0 ))

sa_debug() {
  [[ -n ${SESSIONANALYTICS_STATUSLINE_DEBUG-} ]] &&
    printf '%s statusline-record[%d]: %s\n' "${EPOCHREALTIME-}" "$$" "$*" >>"$SESSIONANALYTICS_STATUSLINE_DEBUG"
  return 0
} 2>/dev/null

# Byte-wise matching and ASCII ranges while recording; the chained command gets the user's locale back.
sa_lc_all_set=${LC_ALL+1} sa_lc_all=${LC_ALL-}
LC_ALL=C

# The recording, as a loop run once so that `break` abandons it (a function would cost bash a copy of its body
# per call). Success leaves sa_fd3=1: fd 3 is open on the recorded bytes, for the chained command.
sa_fd3=0
for sa_once in 1; do
  if (( sa_nul )); then sa_debug "input contains a NUL byte: not JSON, nothing recorded"; break; fi
  if (( ${#sa_input} > 1048576 )); then sa_debug "input larger than 1 MB: nothing recorded"; break; fi
  # A JSON object: a truncated one (cut off by a killed writer) does not end with '}'. The full syntax is checked by
  # the reader, which reports a broken file instead of failing. Glob patterns and parameter expansion, not =~:
  # glibc's regex engine costs more than all the rest of the script together.
  sa_rest=${sa_input#"${sa_input%%[![:space:]]*}"}
  # (trimming the end costs more than all the other checks together: only done when the input does not end with '}')
  [[ $sa_rest == *\} ]] || sa_rest=${sa_rest%"${sa_rest##*[![:space:]]}"}
  if [[ $sa_rest != \{*\} ]]; then sa_debug "input is not a JSON object: nothing recorded"; break; fi
  # The value of the first "session_id" key: Claude Code writes it at the top level, before any nested object. (An
  # escaped quote cannot start the match; whatever is found must still pass as a file name below.)
  sa_rest=${sa_input#*\"session_id\"}
  if [[ $sa_rest == "$sa_input" ]]; then sa_debug "no session_id: nothing recorded"; break; fi
  sa_rest=${sa_rest#"${sa_rest%%[![:space:]]*}"}
  if [[ $sa_rest != :* ]]; then sa_debug "no session_id value: nothing recorded"; break; fi
  sa_rest=${sa_rest#:}
  sa_rest=${sa_rest#"${sa_rest%%[![:space:]]*}"}
  if [[ $sa_rest != \"*\"* ]]; then sa_debug "session_id is not a string: nothing recorded"; break; fi
  sa_rest=${sa_rest#\"}
  sa_id=${sa_rest%%\"*}
  # The id names a file, so it must be one: letters, digits, '.', '_', '-', not starting with '.', at most 128
  # characters. Nothing else from the input ever reaches a path ('../../x', '/etc/passwd', 'a\"b' stop here).
  if [[ -z $sa_id || $sa_id == *[!A-Za-z0-9._-]* || $sa_id == .* || ${#sa_id} -gt 128 ]]; then
    sa_debug "session_id '$sa_id' is not a safe file name: nothing recorded"; break
  fi

  if [[ -n ${SESSIONANALYTICS_STATUSLINE_DIR-} ]]; then sa_dir=$SESSIONANALYTICS_STATUSLINE_DIR
  elif [[ -n ${CLAUDE_CONFIG_DIR-} ]]; then sa_dir=$CLAUDE_CONFIG_DIR/sessionanalytics/statusline
  elif [[ -n ${HOME-} ]]; then sa_dir=$HOME/.claude/sessionanalytics/statusline
  else sa_debug "neither SESSIONANALYTICS_STATUSLINE_DIR, CLAUDE_CONFIG_DIR nor HOME is set: nothing recorded"; break
  fi
  if [[ ! -d $sa_dir ]] && ! mkdir -p -- "$sa_dir" 2>/dev/null; then sa_debug "cannot create '$sa_dir': nothing recorded"; break; fi

  # A private temp file in the same directory (noclobber: created with O_EXCL, never through an existing name or
  # link), renamed over <id>.json: readers see the old file or the new one, never part of one. Claude Code cancels a
  # run when a newer update comes; the traps remove the temp file then.
  sa_tmp=$sa_dir/.$sa_id.$$.$RANDOM.tmp
  trap 'rm -f -- "$sa_tmp"; exit 143' TERM
  trap 'rm -f -- "$sa_tmp"; exit 130' INT
  trap 'rm -f -- "$sa_tmp"; exit 129' HUP
  set -C
  printf '%s' "$sa_input" 2>/dev/null >"$sa_tmp"
  sa_written=$?
  set +C
  if (( sa_written != 0 )); then
    sa_debug "cannot write '$sa_tmp': nothing recorded"
    rm -f -- "$sa_tmp" 2>/dev/null
    trap - TERM INT HUP
    break
  fi
  # Opened before the rename, so the chained command reads these bytes even if a concurrent run replaces the file.
  { exec 3<"$sa_tmp"; } 2>/dev/null && sa_fd3=1
  if ! mv -f -- "$sa_tmp" "$sa_dir/$sa_id.json" 2>/dev/null; then
    sa_debug "cannot rename '$sa_tmp' to '$sa_dir/$sa_id.json': nothing recorded"
    if (( sa_fd3 )); then exec 3<&-; sa_fd3=0; fi
    rm -f -- "$sa_tmp" 2>/dev/null
  fi
  trap - TERM INT HUP
done

if [[ -n $sa_lc_all_set ]]; then LC_ALL=$sa_lc_all; else unset LC_ALL; fi
(( $# )) || exit 0
(( sa_fd3 )) && exec "$@" <&3 3<&-
# Not recorded: the chained command still gets exactly the bytes that came in (the rest of stdin after a NUL too).
if (( sa_nul )); then exec "$@" < <(printf '%s\0' "$sa_input"; exec cat)
else exec "$@" < <(printf '%s' "$sa_input")
fi
