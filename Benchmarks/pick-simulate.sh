#!/usr/bin/env bash
# Benchmarks `easeml-ci pick simulate` (1,000 realizations × 1,000-item streams × 8 models, the
# paper's eight budgets, ModelPicker and both baselines) against an equivalent NumPy program
# (baseline_modelpicker.py) on the EmoContext data of the test fixtures, then prints the table of
# README.md's ModelPicker section: both protocols (the answer at the end of the stream, and
# `--stop-at B`, the answer after B labels) at each of the paper's budgets. See Benchmarks/README.md.
#
# Environment: RUNS (hyperfine runs, default 5), WARMUP (default 1), SCRATCH (the release build's
# scratch path, default .build-bench), DATA (default Tests/Fixtures/data/emocontext).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work"
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
data="${DATA:-$root/Tests/Fixtures/data/emocontext}"

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

echo "== README table: the answer at the end of the stream and after B labels (2,000 realizations each)"
budgets=(30 50 70 90 110 130 150 170)
stops=()
for b in "${budgets[@]}"; do stops+=(--stop-at "$b"); done
"$bin" pick simulate --labels "$data/labels.csv" "${models[@]}" --realizations 2000 --json > "$work/pick-end.json"
"$bin" pick simulate --labels "$data/labels.csv" "${models[@]}" --realizations 2000 "${stops[@]}" --json > "$work/pick-stop.json"
"$py" - "$work/pick-end.json" "$work/pick-stop.json" <<'PY'
import json, sys
end, stop = (json.load(open(path))["simulation"]["rows"] for path in sys.argv[1:3])
def outcome(row, method):
    return next(o for o in row["outcomes"] if o["method"] == method)
print("| B | γ(B) | ModelPicker, end of stream (labels) | ModelPicker, stop at B (labels) | disagreement sampling | uniform sampling |")
print("| --- | --- | --- | --- | --- | --- |")
for e, s in zip(end, stop):
    m, ms = outcome(e, "modelPicker"), outcome(s, "modelPicker")
    print(f"| {e['budget']['labels']} | {e['budget']['gamma']:g} | {m['identificationProbability']:.3f} ({m['meanLabels']:.1f}) | "
          f"{ms['identificationProbability']:.3f} ({ms['meanLabels']:.1f}) | "
          f"{outcome(s, 'disagreementSampling')['identificationProbability']:.3f} | {outcome(s, 'uniformSampling')['identificationProbability']:.3f} |")
PY
