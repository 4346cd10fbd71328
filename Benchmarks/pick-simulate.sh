#!/usr/bin/env bash
# Benchmarks `easeml-ci pick simulate` (1,000 realizations × 1,000-item streams × 8 models, the
# paper's eight budgets, ModelPicker and both baselines) against an equivalent NumPy program
# (baseline_modelpicker.py) on the shared EmoContext data. See Benchmarks/README.md.
#
# Environment: RUNS (hyperfine runs, default 5), WARMUP (default 1), SCRATCH (the release build's
# scratch path, default .build-bench), DATA (default ../shared/data/emocontext next to the repo).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work"
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
data="${DATA:-$root/../shared/data/emocontext}"

bench_need hyperfine python3
[ -f "$data/labels.csv" ] || bench_fail "no $data/labels.csv (set DATA)"

bench_build

mkdir -p "$work"
bench_venv "$work/venv" numpy

models=()
for i in 1 2 3 4 5 6 7 8; do models+=("$data/model$i.csv"); done

echo "== one run of each (results)"
"$bin" pick simulate --labels "$data/labels.csv" "${models[@]}" --realizations 1000 --stream-length 1000
"$py" "$here/baseline_modelpicker.py" "$data/labels.csv" "${models[@]}" --realizations 1000 --stream-length 1000

echo "== hyperfine"
hyperfine --runs "$runs" --warmup "$warmup" --export-json "$work/pick-simulate.json" \
    -n easeml-ci "$bin pick simulate --labels $data/labels.csv ${models[*]} --realizations 1000 --stream-length 1000" \
    -n numpy "$py $here/baseline_modelpicker.py $data/labels.csv ${models[*]} --realizations 1000 --stream-length 1000"

"$py" - "$work/pick-simulate.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"easeml-ci {r['easeml-ci']:.3f} s, numpy {r['numpy']:.3f} s, ratio numpy/easeml-ci = {r['numpy'] / r['easeml-ci']:.2f}")
PY
