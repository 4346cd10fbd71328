#!/usr/bin/env bash
# `easeml-ci feasibility` on 50,000 x 512 float32 features (10 classes), side by side with an
# equivalent NumPy + BLAS script (Benchmarks/baseline_feasibility.py): both compute the held-out
# 1-NN error at five nested training sizes. Needs hyperfine (Debian) and python3 -m venv.
# Environment: RUNS (hyperfine runs, default 2), SCRATCH (release scratch path, default .build-bench).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work"
mkdir -p "$work"
bench_need hyperfine python3
bench_build
bench_venv "$work/venv" numpy
if [ ! -f "$work/feat50k.npy" ]; then
  "$py" - "$work" <<'PY'
import sys, numpy as np
rng = np.random.default_rng(2021)
n, d, c = 50_000, 512, 10
centres = rng.standard_normal((c, d)).astype(np.float32) * 0.35
y = rng.integers(0, c, n)
x = (centres[y] + rng.standard_normal((n, d)).astype(np.float32)).astype(np.float32)
np.save(f"{sys.argv[1]}/feat50k.npy", x)
np.save(f"{sys.argv[1]}/labels50k.npy", y.astype(np.int64))
PY
fi
hyperfine --runs "${RUNS:-2}" --export-json "$work/feasibility.json" \
  -n "easeml-ci feasibility" "$bin feasibility --data $work/feat50k.npy --labels $work/labels50k.npy --scale none --json" \
  -n "numpy baseline" "$py $here/baseline_feasibility.py $work/feat50k.npy $work/labels50k.npy"
python3 - "$work/feasibility.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, b = r["easeml-ci feasibility"]["mean"], r["numpy baseline"]["mean"]
print(f"easeml-ci {s:.2f} s, numpy {b:.2f} s, ratio easeml-ci/numpy {s/b:.2f}")
PY
