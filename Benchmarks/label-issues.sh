#!/usr/bin/env bash
# Finding flipped labels without a clean validation set: `easeml-ci value --flag auto` (KNN-Shapley
# values cross-validated over 5 folds, every negative value flagged) against cleanlab's
# `find_label_issues` on 5-fold out-of-sample probabilities of a standardized logistic regression
# and of a calibrated RBF SVM (baseline_label_issues.py),
# side by side in one run, on digits and breast_cancer with 10 % of the labels flipped (seed 10):
# rows flagged, precision and recall against the flipped rows, and wall time (hyperfine).
# Needs hyperfine and python3 -m venv; the venv (cleanlab 2.9.0, scikit-learn 1.9.1 from PyPI) and
# the data go under Benchmarks/.work/label-issues.   RUNS=5 SCRATCH=.build-bench bash Benchmarks/label-issues.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work/label-issues"
runs="${RUNS:-5}"
bench_need hyperfine python3
bench_build
mkdir -p "$work"
bench_venv "$work/venv" "cleanlab==2.9.0" "scikit-learn==1.9.1"
base="$here/baseline_label_issues.py"
"$py" -c "import cleanlab, sklearn, sys; print(f'Python {sys.version.split()[0]}, cleanlab {cleanlab.__version__}, scikit-learn {sklearn.__version__}')"

# flagged_by_easeml FILE OPTIONS...: the row indices `value --flag auto` flags, as a JSON list.
flagged_by_easeml() {
    local file="$1"
    shift
    "$bin" value --train "$file" --flag auto --json "$@" | "$py" -c '
import json, sys
report = json.load(sys.stdin)
print(json.dumps([r["index"] for r in report["representations"][0]["rows"] if r["flagged"]]))'
}

: > "$work/results.jsonl"
for data in digits breast_cancer; do
    dir="$work/$data"
    "$py" "$base" noisy "$root/Tests/Fixtures/data/$data.csv" "$dir"
    echo "== $data"
    for options in "" "--standardize"; do
        flagged_by_easeml "$dir/noisy.csv" $options > "$dir/easeml$options.json"
    done
    for model in logreg svc; do "$py" "$base" cleanlab "$dir/noisy.csv" $model > "$dir/cleanlab-$model.json"; done
    hyperfine --runs "$runs" --warmup 1 --export-json "$dir/times.json" \
        -n "easeml-ci value --flag auto" "$bin value --train $dir/noisy.csv --flag auto --json" \
        -n "easeml-ci value --flag auto --standardize" "$bin value --train $dir/noisy.csv --flag auto --standardize --json" \
        -n "cleanlab, logistic regression" "$py $base cleanlab $dir/noisy.csv logreg" \
        -n "cleanlab, SVM" "$py $base cleanlab $dir/noisy.csv svc"
    for name in easeml easeml--standardize cleanlab-logreg cleanlab-svc; do
        "$py" - "$data" "$name" "$("$py" "$base" score "$dir/flipped.json" "$dir/$name.json")" "$dir/times.json" >> "$work/results.jsonl" <<'PY'
import json, sys
data, name, score, times = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.load(open(sys.argv[4]))["results"]
index = {"easeml": 0, "easeml--standardize": 1, "cleanlab-logreg": 2, "cleanlab-svc": 3}[name]
score.update(data=data, name=times[index]["command"], mean=times[index]["mean"], sd=times[index]["stddev"] or 0.0,
             cleanlab_mean=times[3]["mean"])
print(json.dumps(score))
PY
    done
done
"$py" - "$work/results.jsonl" <<'PY'
import json, sys
print("| data (10 % flipped) | method | flagged | precision | recall | wall (mean ± sd) | cleanlab SVM wall / this |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for line in open(sys.argv[1]):
    r = json.loads(line)
    print(f"| {r['data']} | {r['name']} | {r['flagged']} | {r['precision']:.3f} | {r['recall']:.3f} | "
          f"{r['mean']:.2f} s ± {r['sd']:.2f} | {r['cleanlab_mean'] / r['mean']:.1f} |")
PY
