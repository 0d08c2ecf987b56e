#!/usr/bin/env bash
# The organisation benchmark (issue #12): Get-SessionAnalytics -Organization's engine over 50 repositories x 200 PRs
# on the tests' fake GitHub with 50 ms per request, first run and unchanged re-run, and the dataset's size; writes
# benchmarks/organization-results.md. Request counts are deterministic; wall times and memory only mean something on
# an otherwise idle machine (the report says the load average and marks a busy run). Re-runnable: each run starts
# from an empty cache and state in a temporary folder.
#
#   benchmarks/run-organization-benchmark.sh                         # the issue's shape
#   benchmarks/run-organization-benchmark.sh --repos 5 --prs 20      # a quick check
#   options (passed through): --repos <n> --prs <n per repository> --latency-ms <n> --throttle <n>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build -c Release "$here/OrganizationBenchmark/OrganizationBenchmark.csproj" --nologo -v quiet >&2
exec dotnet "$here/OrganizationBenchmark/bin/Release/net10.0/OrganizationBenchmark.dll" --output "$here/organization-results.md" "$@"
