#!/usr/bin/env bash
# `easeml-ci log -n 20` on a history of COMMITS commits (default 100,000, made by `git fast-import`
# in seconds; every 10th commit carries a gate note on refs/notes/easeml), side by side with
# `git log -n 20 --notes=easeml` (what a user would type to see the same notes). Both read only the
# newest commits: `log` walks in commit-time order, yielding as it goes. Release build; hyperfine
# from Debian. Usage: Benchmarks/log-history.sh   Environment: COMMITS, RUNS (default 30),
# SCRATCH (release scratch path, default .build-bench).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_need hyperfine python3 git
commits="${COMMITS:-100000}"
runs="${RUNS:-30}"
bench_build
bench_repo
echo "== $commits commits and $((commits / 10)) notes by git fast-import"
python3 - "$commits" <<'PY' | git fast-import --quiet
import sys
n = int(sys.argv[1])
out = sys.stdout
for i in range(1, n + 1):
    data = f"version {i}\n"
    message = f"commit {i}\n"
    out.write(f"commit refs/heads/main\nmark :{i}\n")
    out.write(f"committer Bench <bench@example.com> {1_600_000_000 + i} +0000\n")
    out.write(f"data {len(message)}\n{message}")
    if i > 1:
        out.write(f"from :{i - 1}\n")
    out.write(f"M 644 inline model/version.txt\ndata {len(data)}\n{data}\n")
for i in range(10, n + 1, 10):
    note = f"easeml-ci: pass\nstep: {i // 10}\n"
    out.write(f"commit refs/notes/easeml\ncommitter Bench <bench@example.com> {1_700_000_000 + i} +0000\ndata 5\nnote\n")
    out.write(f"N inline :{i}\ndata {len(note)}\n{note}\n")
PY
git reset -q --hard main
[ "$(git rev-list --count HEAD)" = "$commits" ] || bench_fail "fast-import made $(git rev-list --count HEAD) commits"
"$bin" log -n 3
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/log.json" \
  -n "git log -n 20 --notes=easeml" "git log -n 20 --notes=easeml" \
  -n "easeml-ci log -n 20" "$bin log -n 20"
python3 - "$work/log.json" "$commits" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base, ours = r["git log -n 20 --notes=easeml"], r["easeml-ci log -n 20"]
print(f"{int(sys.argv[2]):,} commits, median: easeml-ci {ours['median']*1000:.1f} ms, git {base['median']*1000:.1f} ms, "
      f"ratio {ours['median']/base['median']:.2f}x")
PY
