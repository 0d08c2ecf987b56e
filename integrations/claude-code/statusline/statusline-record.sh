#!/bin/sh
# SessionAnalytics status line recorder for Claude Code.
#
# Claude Code runs the status line command after conversation updates and passes it one JSON object on stdin:
# session_id, transcript_path, cwd, model, version, cost.total_cost_usd, context_window.total_input_tokens and
# total_output_tokens (computed from final usage), and more. This script saves the latest object of each session as
# <data dir>/<session_id>.json, so SessionAnalytics can show Claude Code's own figures beside its own, and then runs
# the status line command you already had (its arguments), which gets the same stdin and prints what it prints.
#
#   settings.json:  "statusLine": { "type": "command",
#                     "command": "sh ~/.claude/sessionanalytics/statusline-record.sh bash ~/.claude/statusline.sh" }
#
#   SESSIONANALYTICS_STATUSLINE_DIR    where to record; default: ${CLAUDE_CONFIG_DIR:-~/.claude}/sessionanalytics/statusline
#   SESSIONANALYTICS_STATUSLINE_DEBUG  a file to which the reasons for not recording are appended (off when unset)
#
# It runs often, so it costs one shell and, when it records, one `mv` (the atomic rename): no jq, no PowerShell, no
# .NET. POSIX sh, builtins only otherwise: dash (Debian's sh) starts several times faster than bash, and bash, Git Bash
# and macOS's sh run it too. It never breaks the status line: whatever goes wrong while recording, it records nothing,
# prints nothing, and still runs the chained command with the same input, whose output and exit status become its own.
# Details and install steps: README.md beside this script.

# The directory and the files it creates are the user's alone (umask 077); the chained command gets the user's umask
# back. It is read from /proc where there is one: $(umask) would cost a process.
sa_umask=
if [ -r /proc/self/status ]; then
  while read -r sa_key sa_value; do
    if [ "$sa_key" = Umask: ]; then sa_umask=$sa_value; break; fi
  done </proc/self/status
fi
[ -n "$sa_umask" ] || sa_umask=$(umask)
umask 077

# All of stdin, with the read builtin: whole lines, then what follows the last newline (Claude Code sends none).
# The shell drops NUL bytes, which no JSON text contains.
sa_input= sa_line= sa_nl='
'
while IFS= read -r sa_line; do sa_input=$sa_input$sa_line$sa_nl; done
sa_input=$sa_input$sa_line

sa_debug() {
  [ -n "${SESSIONANALYTICS_STATUSLINE_DEBUG-}" ] &&
    printf '%s statusline-record[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*" >>"$SESSIONANALYTICS_STATUSLINE_DEBUG"
  return 0
} 2>/dev/null

# The recording, as a loop run once so that `break` abandons it. Success leaves sa_fd3=1: fd 3 is then open on the
# recorded bytes, for the chained command.
sa_fd3=0
while :; do
  # Claude Code's object is 1-3 KB; a far larger input is not one, and pattern matching on it would cost seconds.
  if [ ${#sa_input} -gt 65536 ]; then sa_debug "input larger than 64 KB: nothing recorded"; break; fi
  # A JSON object: a truncated one (cut off by a killed writer) does not end with '}'. The full syntax is checked by
  # the reader, which reports a broken file instead of failing; a parser in sh would cost more than all the rest.
  sa_rest=${sa_input#"${sa_input%%[![:space:]]*}"}
  # (trimming the end is the costliest check: only done when the input does not end with '}')
  case $sa_rest in *'}') ;; *) sa_rest=${sa_rest%"${sa_rest##*[![:space:]]}"} ;; esac
  case $sa_rest in '{'*'}') ;; *) sa_debug "input is not a JSON object: nothing recorded"; break ;; esac
  # The value of the first "session_id" key: Claude Code writes it at the top level, before any nested object. (An
  # escaped quote cannot start the match; whatever is found must still pass as a file name below.)
  case $sa_input in *'"session_id"'*) ;; *) sa_debug "no session_id: nothing recorded"; break ;; esac
  sa_rest=${sa_input#*'"session_id"'}
  sa_rest=${sa_rest#"${sa_rest%%[![:space:]]*}"}
  case $sa_rest in :*) ;; *) sa_debug "no session_id value: nothing recorded"; break ;; esac
  sa_rest=${sa_rest#:}
  sa_rest=${sa_rest#"${sa_rest%%[![:space:]]*}"}
  case $sa_rest in '"'*'"'*) ;; *) sa_debug "session_id is not a string: nothing recorded"; break ;; esac
  sa_rest=${sa_rest#'"'}
  sa_id=${sa_rest%%'"'*}
  # The id names a file, so it must be one: letters, digits, '.', '_', '-', not starting with '.', at most 128
  # characters. Nothing else from the input ever reaches a path ('../../x', '/etc/passwd', 'a\"b' stop here).
  # (Bracket ranges list every letter: in some locales a-z also matches other characters.)
  case $sa_id in
    '' | .* | *[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-]*)
      sa_debug "session_id '$sa_id' is not a safe file name: nothing recorded"; break ;;
  esac
  if [ ${#sa_id} -gt 128 ]; then sa_debug "session_id '$sa_id' is longer than 128 characters: nothing recorded"; break; fi

  if [ -n "${SESSIONANALYTICS_STATUSLINE_DIR-}" ]; then sa_dir=$SESSIONANALYTICS_STATUSLINE_DIR
  elif [ -n "${CLAUDE_CONFIG_DIR-}" ]; then sa_dir=$CLAUDE_CONFIG_DIR/sessionanalytics/statusline
  elif [ -n "${HOME-}" ]; then sa_dir=$HOME/.claude/sessionanalytics/statusline
  else sa_debug "neither SESSIONANALYTICS_STATUSLINE_DIR, CLAUDE_CONFIG_DIR nor HOME is set: nothing recorded"; break
  fi
  if [ ! -d "$sa_dir" ] && ! mkdir -p -- "$sa_dir" 2>/dev/null; then sa_debug "cannot create '$sa_dir': nothing recorded"; break; fi

  # A private temp file in the same directory (noclobber: created with O_EXCL, never through an existing name or
  # link; the pid makes the name unique among running calls), renamed over <id>.json: readers see the old file or the
  # new one, never part of one. Claude Code cancels a run when a newer update comes; the traps remove the temp file.
  sa_tmp=$sa_dir/.$sa_id.$$.tmp
  trap 'rm -f -- "$sa_tmp"; exit 143' TERM
  trap 'rm -f -- "$sa_tmp"; exit 130' INT
  trap 'rm -f -- "$sa_tmp"; exit 129' HUP
  set -C
  printf '%s' "$sa_input" 2>/dev/null >"$sa_tmp"
  sa_written=$?
  set +C
  if [ "$sa_written" -ne 0 ]; then
    sa_debug "cannot write '$sa_tmp': nothing recorded"
    rm -f -- "$sa_tmp" 2>/dev/null
    trap - TERM INT HUP
    break
  fi
  # Opened before the rename, so the chained command reads these bytes even if a concurrent run replaces the file.
  # (`command`: a failed redirection of exec must not end the shell.)
  { command exec 3<"$sa_tmp"; } 2>/dev/null && sa_fd3=1
  if ! mv -f -- "$sa_tmp" "$sa_dir/$sa_id.json" 2>/dev/null; then
    sa_debug "cannot rename '$sa_tmp' to '$sa_dir/$sa_id.json': nothing recorded"
    if [ "$sa_fd3" = 1 ]; then exec 3<&-; sa_fd3=0; fi
    rm -f -- "$sa_tmp" 2>/dev/null
  fi
  trap - TERM INT HUP
  break
done

[ $# -gt 0 ] || exit 0
umask "$sa_umask"
[ "$sa_fd3" = 1 ] && exec "$@" <&3 3<&-
# Not recorded: the chained command still gets the bytes that came in; a pipeline's status is its last command's.
printf '%s' "$sa_input" | "$@"
