#!/usr/bin/env bash
# Benchmarks `easeml-ci pick simulate` (1,000 realizations × 1,000-item streams × 8 models, the
# paper's eight budgets, ModelPicker and both baselines) against an equivalent NumPy program
# (baseline_modelpicker.py) on the shared EmoContext data. See Benchmarks/README.md.
#
# Environment: RUNS (hyperfine runs, default 5), WARMUP (default 1), SCRATCH (the release build's
# scratch path, default .build-bench), DATA (default ../shared/data/emocontext next to the repo).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$here/.work"
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
scratch="${SCRATCH:-.build-bench}"
data="${DATA:-$root/../shared/data/emocontext}"
venv="$work/venv"

need() { command -v "$1" >/dev/null || { echo "pick-simulate: needs $1 ($2)" >&2; exit 1; }; }
need hyperfine "apt-get install -y hyperfine"
need python3 "apt-get install -y python3 python3-venv"
[ -f "$data/labels.csv" ] || { echo "pick-simulate: no $data/labels.csv (set DATA)" >&2; exit 1; }

echo "== build (release)"
(cd "$root" && swift build -c release --scratch-path "$scratch" >/dev/null)
bin="$root/$scratch/release/easeml-ci"

mkdir -p "$work"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy" 2>/dev/null; then
    echo "== virtual environment with numpy (PyPI)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy
fi
python="$venv/bin/python"

models=()
for i in 1 2 3 4 5 6 7 8; do models+=("$data/model$i.csv"); done

echo "== one run of each (results)"
"$bin" pick simulate --labels "$data/labels.csv" "${models[@]}" --realizations 1000 --stream-length 1000
"$python" "$here/baseline_modelpicker.py" "$data/labels.csv" "${models[@]}" --realizations 1000 --stream-length 1000

echo "== hyperfine"
hyperfine --runs "$runs" --warmup "$warmup" --export-json "$work/pick-simulate.json" \
    -n easeml-ci "$bin pick simulate --labels $data/labels.csv ${models[*]} --realizations 1000 --stream-length 1000" \
    -n numpy "$python $here/baseline_modelpicker.py $data/labels.csv ${models[*]} --realizations 1000 --stream-length 1000"

"$python" - "$work/pick-simulate.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"easeml-ci {r['easeml-ci']:.3f} s, numpy {r['numpy']:.3f} s, ratio numpy/easeml-ci = {r['numpy'] / r['easeml-ci']:.2f}")
PY
