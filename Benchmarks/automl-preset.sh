#!/usr/bin/env bash
# The `sklearn` preset of `easeml-ci automl init` against scikit-learn's defaults, on the digits split
# of the preset's tests (seed 7: 1,200 training and 597 validation rows), side by side in one run:
# 1. Accuracy within the same wall clock: SVC(), KNeighborsClassifier(5) and
#    HistGradientBoostingClassifier() fitted and scored by one Python process (timed by hyperfine,
#    start-up included), then `easeml-ci automl run` of the preset with `--budget-seconds` set to that
#    mean wall time (a trial running at the deadline finishes; the table shows the real wall time,
#    and the best trial that had ended when the budget ran out).
# 2. Per-trial overhead: a trial's wall seconds in the ledger minus the fit and predict seconds it
#    reported, median over 12 trials, with the preset's long-lived worker (`worker:`) and without it
#    (a Python process per trial, as before the worker).
# Needs hyperfine and python3 -m venv; the venv (scikit-learn 1.9.1 from PyPI) and the data go under
# Benchmarks/.work/automl-preset.   RUNS=3 SCRATCH=.build-bench bash Benchmarks/automl-preset.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work/automl-preset"
runs="${RUNS:-3}"
bench_need hyperfine python3 git
bench_build
mkdir -p "$work"
bench_venv "$work/venv" "scikit-learn==1.9.1"
base="$here/baseline_automl_preset.py"
"$py" -c "import sklearn, sys; print(f'Python {sys.version.split()[0]}, scikit-learn {sklearn.__version__}')"

# fresh_repo DIR [--no-worker]: the split and the preset in a new git repository.
fresh_repo() {
    rm -rf "$1"
    mkdir -p "$1"
    "$py" "$base" split "$root/Tests/Fixtures/data/digits.csv" "$1"
    (cd "$1" && git init -q && "$bin" automl init --preset sklearn --python "$py" --train train.csv --valid valid.csv >/dev/null)
    if [ "${2:-}" = "--no-worker" ]; then sed -i '/^  worker: /d' "$1/.easeml.yml"; fi
}

echo "== 1. the defaults, timed"
fresh_repo "$work/repo"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/defaults.json" \
    -n "defaults" "$py $base defaults $work/repo/train.csv $work/repo/valid.csv"
budget=$("$py" -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["results"][0]["mean"], 2))' "$work/defaults.json")
defaults=$("$py" "$base" defaults "$work/repo/train.csv" "$work/repo/valid.csv")

echo "== 1. the preset within $budget s, $runs runs"
: > "$work/preset.jsonl"
for i in $(seq "$runs"); do
    fresh_repo "$work/repo"
    start=$(date +%s.%N)
    (cd "$work/repo" && "$bin" automl run --budget-seconds "$budget" > "$work/run-$i.log")
    end=$(date +%s.%N)
    "$py" - "$start" "$end" "$("$py" "$base" overhead "$work/repo" "$budget")" >> "$work/preset.jsonl" <<'PY'
import json, sys
result = json.loads(sys.argv[3])
result["wall"] = float(sys.argv[2]) - float(sys.argv[1])
print(json.dumps(result))
PY
done

echo "== 2. per-trial overhead, 12 trials, with and without the worker"
fresh_repo "$work/worker"
(cd "$work/worker" && "$bin" automl run --budget-trials 12 > "$work/worker.log")
fresh_repo "$work/processes" --no-worker
(cd "$work/processes" && "$bin" automl run --budget-trials 12 > "$work/processes.log")
"$py" - "$defaults" "$budget" "$work/preset.jsonl" "$("$py" "$base" overhead "$work/worker")" "$("$py" "$base" overhead "$work/processes")" <<'PY'
import json, statistics, sys
defaults, budget = json.loads(sys.argv[1]), float(sys.argv[2])
preset = [json.loads(line) for line in open(sys.argv[3])]
worker, processes = json.loads(sys.argv[4]), json.loads(sys.argv[5])
print(f"| on the digits split (597 validation rows) | validation accuracy | wall seconds |")
print(f"| --- | --- | --- |")
for name, score in defaults.items():
    print(f"| scikit-learn `{name}` | {score:.4f} | |")
print(f"| best of the three defaults (one process, start-up included) | {max(defaults.values()):.4f} | {budget:.2f} (mean of hyperfine runs) |")
best = [p["best"] for p in preset]
within = [p["best_within_budget"] or 0.0 for p in preset]
print(f"| `automl run` of the preset, `--budget-seconds {budget:.2f}` ({len(preset)} runs), best trial | {min(best):.4f} – {max(best):.4f} "
      f"({statistics.median(p['trials'] for p in preset):.0f} trials) | {statistics.median(p['wall'] for p in preset):.2f} (median, process) |")
print(f"| the same runs, best trial ended within {budget:.2f} s of the first trial's start | {min(within):.4f} – {max(within):.4f} | {budget:.2f} |")
print()
print("| per-trial overhead (trial wall − reported fit and predict), 12 trials | median | mean | largest (the first start-up) |")
print("| --- | --- | --- | --- |")
for name, r in (("with the worker (`worker:`)", worker), ("a process per trial", processes)):
    print(f"| {name} | {r['median_overhead']:.3f} s | {r['mean_overhead']:.3f} s | {r['largest_overhead']:.3f} s |")
print(f"ratio (process per trial / worker), median: {processes['median_overhead'] / worker['median_overhead']:.1f}")
PY
