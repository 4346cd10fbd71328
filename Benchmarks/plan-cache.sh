#!/usr/bin/env bash
# `easeml-ci plan` for the flagship question (`n - o > 0.02 +/- 0.01 /\ d < 0.1 +/- 0.01`,
# reliability 0.999, `full`) at STEPS steps (default 1000), side by side with `easeml-ci version`
# (start-up alone): solved afresh (`--no-cache`) and answered from .git/easeml/plan-cache (the same
# question asked again by the same binary). Release build; hyperfine from Debian.
# Usage: Benchmarks/plan-cache.sh   Environment: STEPS, RUNS (default 10), SCRATCH (default .build-bench).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_need hyperfine python3 git
steps="${STEPS:-1000}"
runs="${RUNS:-10}"
bench_build
bench_repo
printf 'condition: n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01\nreliability: 0.999\nadaptivity: full\nsteps: %s\n' "$steps" > .easeml.yml
"$bin" plan | grep Chosen
hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/plan.json" \
  -n "version" "$bin version" \
  -n "plan (cached)" "$bin plan" \
  -n "plan (--no-cache)" "$bin plan --no-cache"
python3 - "$work/plan.json" "$steps" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
v = r["version"]["median"]
for name in ("plan (--no-cache)", "plan (cached)"):
    print(f"steps {sys.argv[2]}: {name} median {r[name]['median']*1000:.1f} ms = {r[name]['median']/v:.1f}x version ({v*1000:.1f} ms)")
PY
