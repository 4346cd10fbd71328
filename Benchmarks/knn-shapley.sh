#!/usr/bin/env bash
# Exact KNN-Shapley values of 10,000 training rows against 1,000 validation rows, 512 float32
# features, 10 classes, K = 5: `easeml-ci value` (release build) side by side with a vectorised
# NumPy implementation and with pyDVL 0.10's KNNShapleyValuation (Benchmarks/baseline_knn_shapley.py),
# then the largest difference between their values. Needs hyperfine (Debian) and python3 -m venv;
# the venv (pyDVL from PyPI, which brings NumPy and scikit-learn) and the data go under Benchmarks/.work/knn.
#   RUNS=3 PYDVL_RUNS=1 K=5 SCRATCH=.build-bench bash Benchmarks/knn-shapley.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work/knn"
mkdir -p "$work"
bench_need hyperfine python3
bench_build
bench_venv "$work/venv" "pydvl==0.10.0"
base="$here/baseline_knn_shapley.py"
[ -f "$work/valid_labels.npy" ] || "$py" "$base" make "$work"
k="${K:-5}"
"$py" -c "import numpy, sklearn, pydvl; print(f\"numpy {numpy.__version__}, scikit-learn {sklearn.__version__}, pyDVL {pydvl.__version__}\")"
data="$work/train.npy $work/train_labels.npy $work/valid.npy $work/valid_labels.npy"
hyperfine --runs "${RUNS:-3}" --warmup 1 --export-json "$work/fast.json" \
  -n "easeml-ci value" "$bin value --train $work/train.npy --train-labels $work/train_labels.npy --valid $work/valid.npy --valid-labels $work/valid_labels.npy -k $k --flag 0.1 --format csv > $work/easeml.csv" \
  -n "numpy" "$py $base numpy $data $k $work/numpy.npy"
hyperfine --runs "${PYDVL_RUNS:-1}" --export-json "$work/pydvl.json" \
  -n "pydvl" "$py $base pydvl $data $k $work/pydvl.npy"
"$py" - "$work" "$("$py" "$base" compare "$work/easeml.csv" "$work/numpy.npy")" "$("$py" "$base" compare "$work/easeml.csv" "$work/pydvl.npy")" <<'PY'
import json, sys
work = sys.argv[1]
r = {x["command"]: x for f in ("fast.json", "pydvl.json") for x in json.load(open(f"{work}/{f}"))["results"]}
names = {"easeml-ci value": "`easeml-ci value`", "numpy": "NumPy (vectorised)", "pydvl": "pyDVL 0.10 `KNNShapleyValuation`"}
s = r["easeml-ci value"]
cpu = lambda x: x["user"] + x["system"]
print("| command | wall (mean ± sd) | CPU user+sys | wall ratio to easeml-ci | CPU ratio |")
print("| --- | --- | --- | --- | --- |")
for c, name in names.items():
    x = r[c]
    print(f"| {name} | {x['mean']:.2f} s ± {x.get('stddev') or 0:.2f} | {cpu(x):.2f} s | {x['mean'] / s['mean']:.1f} | {cpu(x) / cpu(s):.1f} |")
print(f"max |easeml-ci − numpy| = {sys.argv[2]}, max |easeml-ci − pyDVL| = {sys.argv[3]}")
PY
