#!/usr/bin/env bash
# Benchmarks `easeml-ci check` on 10 million predictions against a NumPy baseline that reads the
# same three CSV files and computes the same sufficient statistics. See Benchmarks/README.md.
#
# Environment: N (rows, default 10000000), RUNS (hyperfine runs, default 5), WARMUP (default 1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$here/.work"
n="${N:-10000000}"
runs="${RUNS:-5}"
warmup="${WARMUP:-1}"
data="$work/data-$n"
repo="$work/repo-$n"
venv="$work/venv"

need() { command -v "$1" >/dev/null || { echo "score-10m: needs $1 ($2)" >&2; exit 1; }; }
need hyperfine "apt-get install -y hyperfine"
need python3 "apt-get install -y python3 python3-venv"
[ -x /usr/bin/time ] || { echo "score-10m: needs /usr/bin/time (apt-get install -y time)" >&2; exit 1; }

echo "== build (release)"
(cd "$root" && swift build -c release --scratch-path .build-bench >/dev/null)
bin="$root/.build-bench/release/easeml-ci"

mkdir -p "$work"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy" 2>/dev/null; then
    echo "== virtual environment with numpy (PyPI)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numpy
fi
python="$venv/bin/python"

if [ ! -f "$data/old.csv" ]; then
    echo "== data: $n rows (seeded)"
    mkdir -p "$data.tmp"
    "$python" "$here/make_data.py" "$data.tmp" "$n"
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
    mv "$repo/registering.sqlite" "$repo/pristine.sqlite"
fi

# Each timed check runs against a fresh copy of the just-registered ledger, so every run is a
# first, charged evaluation (no free replay, no exhausted budget).
ledger="$repo/run.sqlite"
prepare="rm -f '$ledger' '$ledger-wal' '$ledger-shm' '$ledger-journal' && cp '$repo/pristine.sqlite' '$ledger'"
swift_cmd="cd '$repo' && EASEML_KEY_FILE=owner.key '$bin' check --predictions '$data/new.csv' --old '$data/old.csv' --ledger '$ledger'"
numpy_cmd="'$python' '$here/baseline_score.py' '$data/labels.csv' '$data/new.csv' '$data/old.csv'"

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

"$python" - "$work/score-$n.json" "$n" "$swift_rss" "$numpy_rss" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
swift, numpy = results["easeml-ci check"], results["numpy baseline"]
print(f"\n== {int(sys.argv[2]):,} predictions (new + old against the labels)")
print(f"easeml-ci check : mean {swift['mean']:.3f} s ± {swift['stddev']:.3f}, peak RSS {sys.argv[3]} MiB")
print(f"numpy baseline  : mean {numpy['mean']:.3f} s ± {numpy['stddev']:.3f}, peak RSS {sys.argv[4]} MiB")
print(f"ratio easeml-ci / numpy: {swift['mean'] / numpy['mean']:.2f}")
PY
