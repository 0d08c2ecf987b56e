#!/usr/bin/env bash
# Measures ConvertTo-SessionStats end to end (through the runner, through real pwsh, and through the Core API
# in-process) against `ccusage claude session --offline --json` (npm ccusage@20.0.24, pinned in benchmarks/package.json)
# on four shapes of history, paired and alternating: in every round each of our tools runs right before or right after
# its own ccusage run (the order flips every round). Verifies every per-session, per-model token total against the
# generator's; writes the shape's section and rewrites benchmarks/results.md from every shape's last section.
#
#   benchmarks/run-benchmark.sh                          # every shape, 5 rounds each (the quiet-window run)
#   benchmarks/run-benchmark.sh --shape many --runs 9    # one shape
#   shapes: many     hundreds of ordinary sessions (10 KB-20 MB, with subagents), 1 GB
#           giant    one session holding 70% of 1 GB in one file, plus smaller ones
#           many100  the many-session shape at 100 MB (fixed costs show here; with many: linear in bytes?)
#           one      one session of the 1 GB many-session history, by id (the SessionEnd hook)
#   options: --shape <all|many|giant|many100|one>[,...] --runs <n> --seed <n> --tools <runner,pwsh,core>
#            --workers <n> (Core API; default: processors) --skip-build --report-only --results <file.md>
#
# Needs: the .NET 10 SDK, node + npm (for ccusage), GNU time (/usr/bin/time; Debian package `time`). Real pwsh comes
# from tools/pwsh.sh (installed into .tools/ on first use). Corpora and raw measurements go to benchmarks/corpus/
# (git-ignored). Timings are only worth keeping on an otherwise idle machine: see benchmarks/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
shapes=all
seed=42
runs=5
tools=runner,pwsh,core
workers="$(nproc)"
build=1
report_only=0
results="$here/results.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) shapes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --report-only) report_only=1; build=0; shift ;;
    --results|--out) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run-benchmark.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ "$shapes" = all ] && shapes=many,giant,many100,one

say() { printf '\n== %s\n' "$*" >&2; }

if [ ! -x /usr/bin/time ]; then
  say "GNU time is missing; installing the Debian package 'time'"
  if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  else echo "run-benchmark.sh: /usr/bin/time is needed (sudo apt-get install time)" >&2; exit 2; fi
fi
command -v npm >/dev/null || { echo "run-benchmark.sh: npm is needed to install ccusage" >&2; exit 2; }

runner="$repo/src/SessionAnalytics.Runner/bin/Release/net10.0/SessionAnalytics.Runner.dll"
module="$repo/out/SessionAnalytics/SessionAnalytics.psd1"
generator="$here/CorpusGenerator/bin/Release/net10.0/CorpusGenerator.dll"
bench="$here/SessionStatsBenchmark/bin/Release/net10.0/SessionStatsBenchmark.dll"
if [ "$build" = 1 ]; then
  say "Building Release (runner + module, generator, benchmark)"
  dotnet build -c Release -nologo -v q "$repo/src/SessionAnalytics.Runner/SessionAnalytics.Runner.csproj" >&2
  dotnet build -c Release -nologo -v q "$here/CorpusGenerator/CorpusGenerator.csproj" >&2
  dotnet build -c Release -nologo -v q "$here/SessionStatsBenchmark/SessionStatsBenchmark.csproj" >&2
fi
if [[ ",$tools," == *,pwsh,* ]] && [ "$report_only" = 0 ]; then
  "$repo/tools/pwsh.sh" -NoProfile -NonInteractive -Command 'exit 0' >&2 # installs pwsh into .tools/ on first use
fi

if [ "$report_only" = 0 ] && [ ! -d "$here/node_modules/ccusage" ]; then
  say "Installing ccusage (benchmarks/package-lock.json)"
  # npm install, not npm ci: the lock holds only this platform's optional ccusage binary, which npm ci rejects.
  (cd "$here" && npm install --no-audit --no-fund --no-save >&2)
fi
# ccusage's native binary, run directly: its npm entry point is a node wrapper whose own start-up and memory would
# be charged to ccusage otherwise.
cc="$(ls "$here"/node_modules/@ccusage/ccusage-*/bin/ccusage 2>/dev/null | head -n 1 || true)"
[ -n "$cc" ] && chmod +x "$cc"
[ -n "$cc" ] || cc="$here/node_modules/.bin/ccusage"
format="$(dotnet "$generator" --format-version)"

# corpus <shape> <size>: generates benchmarks/corpus/<shape>-<size>-seed<seed> unless it is there in this format.
corpus_for() {
  local gen_shape="$1" size="$2" dir="$here/corpus/$1-$2-seed$seed"
  if [ "$report_only" = 0 ] && ! grep -q "\"formatVersion\": $format," "$dir/expected-totals.json" 2>/dev/null; then
    say "Generating the $gen_shape corpus of $size (seed $seed, format $format) into $dir"
    dotnet "$generator" --size "$size" --shape "$gen_shape" --seed "$seed" --out "$dir" --force >&2
  fi
  echo "$dir"
}

# timed <time file> <stdout file> <command...>: GNU time -v of one process.
timed() {
  local out="$1" stdout="$2"; shift 2
  /usr/bin/time -v -o "$out" "$@" >"$stdout" 2>"${out%.time}.stderr" || echo "  exited non-zero: see ${out%.time}.stderr" >&2
}

run_shape() {
  local shape="$1" corpus id="" work
  case "$shape" in
    many|one) corpus="$(corpus_for many 1GB)" ;;
    giant) corpus="$(corpus_for giant 1GB)" ;;
    many100) corpus="$(corpus_for many 100MB)" ;;
    *) echo "run-benchmark.sh: unknown shape '$shape'" >&2; exit 2 ;;
  esac
  work="$here/corpus/runs/$shape"
  mkdir -p "$work"
  [ "$shape" = one ] && id="$(dotnet "$bench" median-session --expected "$corpus/expected-totals.json")"
  local label="benchmarks/corpus/$(basename "$corpus")"

  if [ "$report_only" = 0 ]; then
    say "Shape $shape: $corpus${id:+, session $id}; warming the page cache"
    find "$corpus/projects" -name '*.jsonl' -exec cat {} + >/dev/null
    rm -f "$work"/*.time "$work"/*.stderr "$work"/*.stats.json "$work"/*.jsonl "$work"/ccusage.json "$work"/core.summary.json
    cat >"$work/pwsh-run.ps1" <<'PS1'
param([string]$Module, [string]$Corpus, [string]$Id, [string]$StatsFile)
Import-Module $Module
$find = @{ Path = $Corpus }
if ($Id) { $find.Id = $Id }
Get-ClaudeSession @find | ConvertTo-SessionStats | ForEach-Object { [System.Text.Json.JsonSerializer]::Serialize($_, $_.GetType()) }
[System.IO.File]::WriteAllText($StatsFile, (@{
    allocatedBytes = [GC]::GetTotalAllocatedBytes($true); gen0 = [GC]::CollectionCount(0); gen1 = [GC]::CollectionCount(1); gen2 = [GC]::CollectionCount(2)
    jitMethods = [System.Runtime.JitInfo]::GetCompiledMethodCount($false); jitSeconds = [System.Runtime.JitInfo]::GetCompilationTime($false).TotalSeconds
} | ConvertTo-Json -Compress))
PS1
    local load_before; load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
    local pipeline="Get-ClaudeSession -Path '$corpus'${id:+ -Id $id} | ConvertTo-SessionStats"
    for i in $(seq 1 "$runs"); do
      for tool in ${tools//,/ }; do
        local order=(ccusage "$tool")
        [ $((i % 2)) = 0 ] && order=("$tool" ccusage)
        for what in "${order[@]}"; do
          case "$what" in
            ccusage)
              say "Shape $shape, round $i of $runs: ccusage (paired with $tool)"
              if [ -n "$id" ]; then CLAUDE_CONFIG_DIR="$corpus" timed "$work/cc-$tool.$i.time" "$work/ccusage.json" "$cc" claude session --id "$id" --offline --json
              else CLAUDE_CONFIG_DIR="$corpus" timed "$work/cc-$tool.$i.time" "$work/ccusage.json" "$cc" claude session --offline --json; fi ;;
            runner)
              say "Shape $shape, round $i of $runs: the runner"
              SESSIONANALYTICS_RUNNER_STATS="$work/runner.$i.stats.json" timed "$work/runner.$i.time" "$work/runner.jsonl" dotnet "$runner" --json "$pipeline" ;;
            pwsh)
              say "Shape $shape, round $i of $runs: pwsh"
              timed "$work/pwsh.$i.time" "$work/pwsh.jsonl" "$repo/tools/pwsh.sh" -NoProfile -NonInteractive -File "$work/pwsh-run.ps1" \
                -Module "$module" -Corpus "$corpus" -Id "$id" -StatsFile "$work/pwsh.$i.stats.json" ;;
            core)
              say "Shape $shape, round $i of $runs: the Core API"
              timed "$work/core.$i.time" "$work/core.stdout" dotnet "$bench" measure --corpus "$corpus" --stats "$work/core.jsonl" \
                --summary "$work/core.summary.json" --workers "$workers" ${id:+--id "$id"} ;;
          esac
        done
      done
    done
    cat >"$work/notes.md" <<EOF
Load average (1, 5, 15 min) when the runs of this shape started: $load_before; when they ended: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores).
EOF
  fi

  say "Shape $shape: verifying totals and writing the section"
  dotnet "$bench" report --shape "$shape" --corpus "$corpus" --label "$label" --expected "$corpus/expected-totals.json" \
    --work "$work" --runs "$runs" --results "$results" --notes "$work/notes.md" ${id:+--only-session "$id"} >/dev/null
}

status=0
for shape in ${shapes//,/ }; do run_shape "$shape" || status=1; done
say "Results: $results"
exit $status
