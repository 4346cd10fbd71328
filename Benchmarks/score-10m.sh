#!/usr/bin/env bash
# Benchmarks `easeml-ci check` on 10 million predictions against a NumPy baseline that reads the
# same three CSV files and computes the same sufficient statistics. See Benchmarks/README.md.
#
# Environment: N (rows, default 10000000), RUNS (hyperfine runs, default 5), WARMUP (default 1),
# SCRATCH (release scratch path, default .build-bench).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work="$here/.work"
n="${N:-10000000}"
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
data="$work/data-$n"
repo="$work/repo-$n"

bench_need hyperfine python3
[ -x /usr/bin/time ] || bench_fail "needs /usr/bin/time (apt-get install -y time)"

bench_build

mkdir -p "$work"
bench_venv "$work/venv" numpy

if [ ! -f "$data/old.csv" ]; then
    echo "== data: $n rows (seeded)"
    mkdir -p "$data.tmp"
    "$py" "$here/make_data.py" "$data.tmp" "$n"
    rm -rf "$data" && mv "$data.tmp" "$data"
fi

if [ ! -f "$repo/pristine.sqlite" ]; then
    echo "== register the test set"
    rm -rf "$repo" && mkdir -p "$repo/.git"
    cat >"$repo/.easeml.yml" <<'YAML'
condition: n - o > 0.0 +/- 0.001
reliability: 0.99
mode: fp-free
adaptivity: full
steps: 32
YAML
    (cd "$repo" && "$bin" key generate --output owner.key >/dev/null)
    (cd "$repo" && EASEML_KEY_FILE=owner.key "$bin" testset add --labels "$data/labels.csv" --force \
        --ledger "$repo/registering.sqlite" >/dev/null)
    # The old model is the owner's baseline, recorded once (check has no --old).
    (cd "$repo" && EASEML_KEY_FILE=owner.key "$bin" baseline set --predictions "$data/old.csv" \
        --ledger "$repo/registering.sqlite" >/dev/null)
    mv "$repo/registering.sqlite" "$repo/pristine.sqlite"
fi

# Each timed check runs against a fresh copy of the just-registered ledger, so every run is a
# first, charged evaluation (no free replay, no exhausted budget).
ledger="$repo/run.sqlite"
prepare="rm -f '$ledger' '$ledger-wal' '$ledger-shm' '$ledger-journal' && cp '$repo/pristine.sqlite' '$ledger'"
swift_cmd="cd '$repo' && EASEML_KEY_FILE=owner.key '$bin' check --predictions '$data/new.csv' --ledger '$ledger'"
numpy_cmd="'$py' '$here/baseline_score.py' '$data/labels.csv' '$data/new.csv' '$data/old.csv'"

echo "== sanity"
bash -c "$prepare"
bash -c "$swift_cmd"
bash -c "$numpy_cmd"

echo "== hyperfine ($runs runs, $warmup warm-up)"
hyperfine --warmup "$warmup" --runs "$runs" --prepare "$prepare" \
    --export-json "$work/score-$n.json" \
    -n "easeml-ci check" "$swift_cmd" \
    -n "numpy baseline" "$numpy_cmd"

peak() {
    bash -c "$prepare"
    /usr/bin/time -v bash -c "$1" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}
swift_rss="$(peak "$swift_cmd")"
numpy_rss="$(peak "$numpy_cmd")"
# The registration's own peak: `testset add` of the same labels into a scratch ledger.
add_cmd="cd '$repo' && EASEML_KEY_FILE=owner.key '$bin' testset add --labels '$data/labels.csv' --force --ledger '$repo/scratch.sqlite' >/dev/null"
prepare="rm -f '$repo/scratch.sqlite' '$repo/scratch.sqlite-wal' '$repo/scratch.sqlite-shm'"
add_rss="$(peak "$add_cmd")"
bash -c "$prepare"

"$py" - "$work/score-$n.json" "$n" "$swift_rss" "$numpy_rss" "$add_rss" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
swift, numpy = results["easeml-ci check"], results["numpy baseline"]
spread = lambda r: f"± {r['stddev']:.3f}" if r.get("stddev") is not None else "(one run)"
print(f"\n== {int(sys.argv[2]):,} predictions (new + old against the labels)")
print(f"easeml-ci check : mean {swift['mean']:.3f} s {spread(swift)}, peak RSS {sys.argv[3]} MiB")
print(f"numpy baseline  : mean {numpy['mean']:.3f} s {spread(numpy)}, peak RSS {sys.argv[4]} MiB")
print(f"ratio easeml-ci / numpy: {swift['mean'] / numpy['mean']:.2f}")
print(f"easeml-ci testset add: peak RSS {sys.argv[5]} MiB")
PY
