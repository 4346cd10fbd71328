#!/usr/bin/env bash
# Two costs of easeml-ci's AutoML engine (see Benchmarks/README.md):
# 1. the scheduler's decision time: `automl simulate` on a synthetic 150 data sets x 50 models
#    matrix, 100 tenants (the other 50 rows are the prior), max_gap, run until every arm of every
#    tenant has run (5,000 decisions), against the same scheduler in NumPy
#    (baseline_automl_scheduler.py);
# 2. the local backend's overhead per trial: `automl run` of 40 trials of a trial that prints its
#    result and exits, against hyperfine of that bare trial command.
# Environment: RUNS (hyperfine runs, default 5), SCRATCH (release scratch path, default .build-bench).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work/automl-overhead"
runs="${RUNS:-5}"
bench_need hyperfine python3

bench_build
mkdir -p "$work"
bench_venv "$here/.work/venv" numpy

echo "== 1. scheduler: 100 tenants x 50 arms"
python3 - "$work/matrix.csv" <<'PY'
import random, sys
rng = random.Random(2018)
quality = [rng.uniform(0.55, 0.9) for _ in range(50)]
with open(sys.argv[1], "w") as out:
    out.write("dataset,model,val_accuracy,fit_seconds\n")
    for d in range(150):
        difficulty = rng.uniform(-0.15, 0.1)
        for m in range(50):
            score = min(1.0, max(0.0, quality[m] + difficulty + rng.gauss(0, 0.03)))
            out.write(f"d{d},m{m},{score:.4f},{rng.uniform(0.01, 2):.3f}\n")
PY
tenants=$(seq -f "d%.0f" 0 99 | tr '\n' ' ')
"$bin" automl simulate --matrix "$work/matrix.csv" --tenants $tenants --row evaluations:max_gap --trace-length 5000 --json > "$work/simulate.json"
python3 - "$work/simulate.json" <<'PY'
import json, sys
steps = json.load(open(sys.argv[1]))["traces"][0]["steps"]
print(f"easeml-ci: {len(steps)} decisions, final regret {steps[-1]['regret']:.6f}")
PY
"$py" "$here/baseline_automl_scheduler.py" "$work/matrix.csv" 100
hyperfine --runs "$runs" --warmup 1 --export-json "$work/scheduler.json" \
  -n "easeml-ci automl simulate" "$bin automl simulate --matrix $work/matrix.csv --tenants $tenants --row evaluations:max_gap --trace-length 5000 --json" \
  -n "numpy scheduler" "$py $here/baseline_automl_scheduler.py $work/matrix.csv 100"

echo "== 2. per-trial overhead of automl run (local backend)"
repo="$work/repo"
rm -rf "$repo" && mkdir -p "$repo"
printf '#!/bin/sh\necho "EASEML_RESULT {\\"score\\": 0.$1}"\n' > "$repo/trial.sh"
chmod +x "$repo/trial.sh"
printf 'x\n1\n' > "$repo/train.csv"
printf 'x\n2\n' > "$repo/valid.csv"
grid=$(seq -s, 10 49)
cat > "$repo/.easeml.yml" <<YML
condition: n > 0.8 +/- 0.05
reliability: 0.99
automl:
  train: train.csv
  valid: valid.csv
  budget: {trials: 40}
  policy: max_gap
  candidates:
    - name: t
      command: ./trial.sh {x}
      grid: {x: [$grid]}
YML
(cd "$repo" && hyperfine --runs "$((runs * 2))" --warmup 1 --export-json "$work/trials.json" \
  --prepare "rm -rf $repo/ledger.sqlite* $repo/.easeml" \
  -n "easeml-ci automl run (40 trials)" "CI=true $bin automl run --ledger $repo/ledger.sqlite")
# The bare trial without hyperfine's shell (-N): a few milliseconds, below its shell calibration.
(cd "$repo" && hyperfine -N --runs 200 --warmup 10 --export-json "$work/bare.json" -n "bare trial" "$repo/trial.sh 10")

python3 - "$work/scheduler.json" "$work/trials.json" "$work/bare.json" <<'PY'
import json, sys
def means(path):
    return {r["command"]: (r["mean"], r["stddev"] or 0, r["min"], r["median"]) for r in json.load(open(path))["results"]}
s = means(sys.argv[1])
swift, numpy = s["easeml-ci automl simulate"], s["numpy scheduler"]
print(f"scheduler: easeml-ci {swift[0]:.3f} ± {swift[1]:.3f} s ({swift[0] / 5000 * 1e6:.0f} us/decision incl. process start), "
      f"numpy {numpy[0]:.3f} ± {numpy[1]:.3f} s ({numpy[0] / 5000 * 1e6:.0f} us/decision), ratio numpy/easeml-ci {numpy[0] / swift[0]:.1f}")
run, bare = means(sys.argv[2])["easeml-ci automl run (40 trials)"], means(sys.argv[3])["bare trial"]
per_trial = run[0] / 40
print(f"trials: automl run {run[0]:.3f} s for 40 trials = {per_trial * 1e3:.1f} ms/trial; bare trial {bare[0] * 1e3:.1f} ms; "
      f"overhead {(per_trial - bare[0]) * 1e3:.1f} ms/trial (ratio {per_trial / bare[0]:.1f}x the bare trial); "
      f"medians: {run[3] / 40 * 1e3:.1f} ms/trial vs {bare[3] * 1e3:.1f} ms, overhead {(run[3] / 40 - bare[3]) * 1e3:.1f} ms/trial")
PY
