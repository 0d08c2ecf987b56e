#!/usr/bin/env python3
"""Per-call cost of the status line recorder (integrations/claude-code/statusline/statusline-record.sh).

Every call is made the way Claude Code makes it: `/bin/sh -c "<command>"` with the status line JSON written to a
pipe on stdin, stdin closed, stdout read to the end, the exit status collected. The wall time of each call is taken
with a monotonic clock (time.perf_counter_ns) around spawn .. exit. Variants run interleaved, in a rotating order
(A B C D, B C D A, ...), so load that comes and goes is spread over all of them; warm-up rounds are discarded.

Default variants:
  baseline-cat      cat >/dev/null                                    the least a status line command can do
  chained-alone     sh trivial-statusline.sh                          a trivial status line command of the user's
  recorder          sh statusline-record.sh                           the recorder alone (records, prints nothing)
  recorder-chained  sh statusline-record.sh sh trivial-statusline.sh  the recorder chained to that command
  recorder-bash     bash --posix statusline-record.sh                 the recorder where sh is bash (macOS, Fedora)

What the recorder adds = recorder - baseline-cat and recorder-chained - chained-alone, taken as the median of the
per-round differences (each round runs every variant once) and as the difference of the medians; the same for CPU
time (user + system of every process of the call, from the kernel's accounting of reaped children).

  benchmarks/statusline/bench.py                      # 1000 rounds, writes benchmarks/statusline/results.md
  benchmarks/statusline/bench.py --rounds 200 --out /tmp/r.md
  benchmarks/statusline/bench.py --variant 'name=command'   # add a variant (any shell command reading stdin)
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECORDER = os.path.join(REPO, "integrations", "claude-code", "statusline", "statusline-record.sh")
PAYLOAD = os.path.join(HERE, "payload.json")

# A trivial status line of the user's: reads the JSON with a builtin and prints one line (dash: no external command).
TRIVIAL = """#!/bin/sh
IFS= read -r json
printf '[status] %s bytes\\n' "${#json}"
"""


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def run_once(shell, command, payload, env):
    """One call: wall time (monotonic clock) and CPU time (user + system of every process of the call, which the
    kernel adds to this process's children's usage when the call is reaped; one call at a time, so the difference is
    this call's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter_ns()
    p = subprocess.Popen([shell, "-c", command], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, close_fds=True)
    out, err = p.communicate(payload)
    elapsed = time.perf_counter_ns() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = int(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e9)
    return elapsed, cpu, p.returncode, out, err


def loadavg():
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=1000, help="measured rounds (each runs every variant once)")
    ap.add_argument("--warmup", type=int, default=30, help="discarded rounds before measuring")
    ap.add_argument("--payload", default=PAYLOAD, help="status line JSON fed on stdin")
    ap.add_argument("--recorder", default=RECORDER)
    ap.add_argument("--shell", default="/bin/sh", help="the shell that runs each command (Claude Code: sh -c)")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=COMMAND", help="an extra variant")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"), help="the Markdown report ('-': stdout only)")
    ap.add_argument("--json", help="also write every sample as JSON here")
    args = ap.parse_args()

    with open(args.payload, "rb") as f:
        payload = f.read()
    session_id = json.loads(payload)["session_id"]
    work = tempfile.mkdtemp(prefix="statusline-bench-")
    try:
        trivial = os.path.join(work, "trivial-statusline.sh")
        with open(trivial, "w") as f:
            f.write(TRIVIAL)
        data_dir = os.path.join(work, "recorded")
        env = dict(os.environ)
        env["SESSIONANALYTICS_STATUSLINE_DIR"] = data_dir
        env.pop("SESSIONANALYTICS_STATUSLINE_DEBUG", None)
        q = shlex.quote
        variants = [
            ("baseline-cat", "cat >/dev/null"),
            ("chained-alone", f"sh {q(trivial)}"),
            ("recorder", f"sh {q(args.recorder)}"),
            ("recorder-chained", f"sh {q(args.recorder)} sh {q(trivial)}"),
            ("recorder-bash", f"bash --posix {q(args.recorder)}"),
        ]
        for v in args.variant:
            name, _, command = v.partition("=")
            variants.append((name, command))

        # Correctness first: the recorder must pass the chained command's output through and record the payload.
        _, _, rc, expected, _ = run_once(args.shell, variants[1][1], payload, env)
        _, _, rc2, got, err = run_once(args.shell, variants[3][1], payload, env)
        recorded = os.path.join(data_dir, session_id + ".json")
        if rc != 0 or rc2 != 0 or got != expected or err or not os.path.exists(recorded):
            sys.exit(f"bench.py: the recorder does not behave (exit {rc2}, output {got!r}, expected {expected!r}, stderr {err!r})")
        with open(recorded, "rb") as f:
            if f.read() != payload:
                sys.exit("bench.py: the recorded file differs from the payload")

        samples = {name: [] for name, _ in variants}
        cpu_samples = {name: [] for name, _ in variants}
        load_before = loadavg()
        started = time.time()
        n = len(variants)
        for r in range(args.warmup + args.rounds):
            for i in range(n):
                name, command = variants[(r + i) % n]
                elapsed, cpu, rc, _, _ = run_once(args.shell, command, payload, env)
                if rc != 0:
                    sys.exit(f"bench.py: '{command}' exited {rc}")
                if r >= args.warmup:
                    samples[name].append(elapsed)
                    cpu_samples[name].append(cpu)
            if r % 100 == 0:
                print(f"round {r}/{args.warmup + args.rounds}", file=sys.stderr)
        duration = time.time() - started
        load_after = loadavg()
        leftovers = [f for f in os.listdir(data_dir) if f.endswith(".tmp")]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ms = lambda ns: ns / 1e6
    rows = []
    for name, command in variants:
        s = sorted(samples[name])
        c = sorted(cpu_samples[name])
        rows.append((name, command, len(s), ms(statistics.median(s)), ms(percentile(s, 10)), ms(percentile(s, 90)),
                     ms(percentile(s, 99)), ms(statistics.fmean(s)), ms(statistics.median(c)), ms(percentile(c, 90))))

    def paired(a, b, of=samples):
        d = sorted(x - y for x, y in zip(of[a], of[b]))
        return ms(statistics.median(d)), ms(percentile(d, 90))

    med = {r[0]: r[3] for r in rows}
    added_alone = paired("recorder", "baseline-cat")
    added_chained = paired("recorder-chained", "chained-alone")
    cpu_alone = paired("recorder", "baseline-cat", cpu_samples)
    cpu_chained = paired("recorder-chained", "chained-alone", cpu_samples)

    lines = []
    lines.append("# Status line recorder: cost per call (measured)")
    lines.append("")
    lines.append(f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by `benchmarks/statusline/bench.py` "
                 f"({args.rounds} rounds after {args.warmup} warm-up rounds, variants interleaved; {duration:.0f} s).")
    lines.append("")
    lines.append(f"- Machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, load average (1/5/15 min) "
                 f"{load_before} before and {load_after} after")
    bash_version = subprocess.run(["bash", "-c", "echo $BASH_VERSION"], capture_output=True, text=True).stdout.strip()
    lines.append(f"- Shell running each command: `{args.shell} -c` (as Claude Code does); bash {bash_version}")
    lines.append(f"- Payload: `{os.path.relpath(args.payload, REPO)}`, {len(payload)} bytes, written to a pipe")
    lines.append(f"- Temp files left behind by the recorder: {len(leftovers)}")
    lines.append("")
    lines.append("Per call, in milliseconds: wall time from spawn to exit, and CPU time (user + system, all processes of the call):")
    lines.append("")
    lines.append("| Variant | Command | Calls | Wall median | p10 | p90 | p99 | Mean | CPU median | CPU p90 |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, command, count, m, p10, p90, p99, mean, cm, c90 in rows:
        shown = command.replace(work, "$WORK").replace(os.path.dirname(args.recorder), "…")
        lines.append(f"| {name} | `{shown}` | {count} | {m:.2f} | {p10:.2f} | {p90:.2f} | {p99:.2f} | {mean:.2f} | {cm:.2f} | {c90:.2f} |")
    lines.append("")
    lines.append("What the recorder adds per call, in milliseconds (median and p90 of the per-round differences; difference of the medians):")
    lines.append("")
    lines.append("| Comparison | Wall: median | Wall: p90 | Wall: difference of medians | CPU: median | CPU: p90 |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    lines.append(f"| recorder − baseline-cat | {added_alone[0]:.2f} | {added_alone[1]:.2f} | {med['recorder'] - med['baseline-cat']:.2f} | "
                 f"{cpu_alone[0]:.2f} | {cpu_alone[1]:.2f} |")
    lines.append(f"| recorder-chained − chained-alone | {added_chained[0]:.2f} | {added_chained[1]:.2f} | "
                 f"{med['recorder-chained'] - med['chained-alone']:.2f} | {cpu_chained[0]:.2f} | {cpu_chained[1]:.2f} |")
    bash_alone = paired("recorder-bash", "baseline-cat")
    bash_cpu = paired("recorder-bash", "baseline-cat", cpu_samples)
    lines.append(f"| recorder-bash − baseline-cat | {bash_alone[0]:.2f} | {bash_alone[1]:.2f} | "
                 f"{med['recorder-bash'] - med['baseline-cat']:.2f} | {bash_cpu[0]:.2f} | {bash_cpu[1]:.2f} |")
    lines.append("")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out != "-":
        with open(args.out, "w") as f:
            f.write(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"variants": dict(variants), "wall_ns": samples, "cpu_ns": cpu_samples}, f)


if __name__ == "__main__":
    main()
