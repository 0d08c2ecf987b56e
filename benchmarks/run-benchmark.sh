#!/usr/bin/env bash
# Measures ConvertTo-SessionStats end to end (through the runner, and through the Core API in-process) and
# `ccusage claude session --offline --json` (npm ccusage@20.0.24, pinned in benchmarks/package.json) on one generated
# corpus; verifies every per-session, per-model token total against the generator's; writes benchmarks/results.md.
#
#   benchmarks/run-benchmark.sh                 # 1 GB corpus (generated once under benchmarks/corpus/, git-ignored)
#   benchmarks/run-benchmark.sh --size 200MB    # quicker, while iterating
#   options: --size <1GB|200MB|...> --seed <n> --runs <n> --skip-build --out <results.md>
#            --report-only (rewrite the report from the measurements of the last runs)
#
# Needs: the .NET 10 SDK, node + npm (for ccusage), GNU time (/usr/bin/time; Debian package `time`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
size=1GB
seed=42
runs=1
build=1
report_only=0
results="$here/results.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --report-only) report_only=1; build=0; shift ;;
    --out) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run-benchmark.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x /usr/bin/time ]; then
  say "GNU time is missing; installing the Debian package 'time'"
  if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  else echo "run-benchmark.sh: /usr/bin/time is needed (sudo apt-get install time)" >&2; exit 2; fi
fi
command -v npm >/dev/null || { echo "run-benchmark.sh: npm is needed to install ccusage" >&2; exit 2; }

runner="$repo/src/SessionAnalytics.Runner/bin/Release/net10.0/SessionAnalytics.Runner.dll"
generator="$here/CorpusGenerator/bin/Release/net10.0/CorpusGenerator.dll"
bench="$here/SessionStatsBenchmark/bin/Release/net10.0/SessionStatsBenchmark.dll"
if [ "$build" = 1 ]; then
  say "Building Release (runner + module, generator, benchmark)"
  dotnet build -c Release -nologo -v q "$repo/src/SessionAnalytics.Runner/SessionAnalytics.Runner.csproj" >&2
  dotnet build -c Release -nologo -v q "$here/CorpusGenerator/CorpusGenerator.csproj" >&2
  dotnet build -c Release -nologo -v q "$here/SessionStatsBenchmark/SessionStatsBenchmark.csproj" >&2
fi

name="${size}-seed${seed}"
corpus="$here/corpus/$name"
work="$here/corpus/runs/$name"
mkdir -p "$work"
format="$(dotnet "$generator" --format-version)"
if [ "$report_only" = 0 ] && ! grep -q "\"formatVersion\": $format," "$corpus/expected-totals.json" 2>/dev/null; then
  say "Generating the $size corpus (seed $seed, format $format) into $corpus"
  dotnet "$generator" --size "$size" --seed "$seed" --out "$corpus" --force
fi

if [ "$report_only" = 0 ] && [ ! -d "$here/node_modules/ccusage" ]; then
  say "Installing ccusage (benchmarks/package-lock.json)"
  # npm install, not npm ci: the lock holds only this platform's optional ccusage binary, which npm ci rejects.
  (cd "$here" && npm install --no-audit --no-fund --no-save >&2)
fi
# Run ccusage's native binary directly: its npm entry point is a node wrapper whose own start-up and memory would
# be charged to ccusage otherwise.
cc="$(ls "$here"/node_modules/@ccusage/ccusage-*/bin/ccusage 2>/dev/null | head -n 1 || true)"
[ -n "$cc" ] && chmod +x "$cc"
[ -n "$cc" ] || cc="$here/node_modules/.bin/ccusage"


if [ "$report_only" = 1 ]; then
  join() { ls "$work"/"$1".*.time 2>/dev/null | paste -sd, -; }
  runner_times="$(join runner)" core_times="$(join core)" cc_times="$(join ccusage)"
  [ -n "$runner_times" ] && [ -n "$core_times" ] && [ -n "$cc_times" ] || { echo "run-benchmark.sh: no measurements in $work" >&2; exit 2; }
else
say "Warming the page cache (every tool then reads from memory)"
find "$corpus/projects" -name '*.jsonl' -exec cat {} + >/dev/null
rm -f "$work"/*.time "$work"/*.stderr
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
pipeline="Get-ClaudeSession -Path '$corpus' | ConvertTo-SessionStats"
runner_times="" core_times="" cc_times=""
for i in $(seq 1 "$runs"); do
  say "Run $i of $runs: SessionAnalytics through the runner"
  /usr/bin/time -v -o "$work/runner.$i.time" dotnet "$runner" --json "$pipeline" >"$work/runner.jsonl" 2>"$work/runner.$i.stderr" \
    || echo "runner exited non-zero (see $work/runner.$i.stderr)" >&2
  runner_times="$runner_times${runner_times:+,}$work/runner.$i.time"

  say "Run $i of $runs: SessionAnalytics Core API"
  /usr/bin/time -v -o "$work/core.$i.time" dotnet "$bench" measure --corpus "$corpus" --stats "$work/core.jsonl" --summary "$work/core-summary.json" >&2 \
    || echo "Core API run reported errors" >&2
  core_times="$core_times${core_times:+,}$work/core.$i.time"

  say "Run $i of $runs: ccusage"
  CLAUDE_CONFIG_DIR="$corpus" /usr/bin/time -v -o "$work/ccusage.$i.time" "$cc" claude session --offline --json >"$work/ccusage.json" 2>"$work/ccusage.$i.stderr" \
    || echo "ccusage exited non-zero (see $work/ccusage.$i.stderr)" >&2
  cc_times="$cc_times${cc_times:+,}$work/ccusage.$i.time"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

cat >"$work/notes.md" <<EOF
- Load average (1, 5, 15 min) when the runs started: $load_before; when they ended: $load_after (the machine has $(nproc) cores).
- ccusage was run as its native binary ($(basename "$(dirname "$(dirname "$cc")")")), not through its node wrapper.
- The runner's time includes starting the PowerShell engine and importing the module; the Core API run is the same
  engine without PowerShell (discovery + SessionStatsCalculator), and its in-process split is given below the table.
EOF
fi

say "Verifying totals and writing $results"
dotnet "$bench" report --corpus "$corpus" --label "benchmarks/corpus/$name" --expected "$corpus/expected-totals.json" --out "$results" \
  --runner-stats "$work/runner.jsonl" --runner-time "$runner_times" \
  --runner-command "dotnet src/SessionAnalytics.Runner/bin/Release/net10.0/SessionAnalytics.Runner.dll --json \"Get-ClaudeSession -Path \$CORPUS | ConvertTo-SessionStats\"" \
  --core-stats "$work/core.jsonl" --core-summary "$work/core-summary.json" --core-time "$core_times" \
  --core-command "dotnet benchmarks/SessionStatsBenchmark/bin/Release/net10.0/SessionStatsBenchmark.dll measure --corpus \$CORPUS ..." \
  --ccusage "$work/ccusage.json" --ccusage-time "$cc_times" \
  --ccusage-command "CLAUDE_CONFIG_DIR=\$CORPUS ccusage claude session --offline --json" \
  --notes "$work/notes.md" >/dev/null
