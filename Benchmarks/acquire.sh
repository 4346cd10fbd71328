#!/usr/bin/env bash
# `easeml-ci acquire` (release build) ranking a whole pool, K = 5, batch 10: the digits split of the
# tests (60 labelled, 1,197 pool, 540 validation rows, 64 features) and a synthetic pool of POOL rows
# (1,000 labelled, 500 validation, 32 features, 10 classes; Benchmarks/make_acquire_data.py). With
# BASELINE=/path/to/easeml-ci (e.g. a release build of an earlier commit) that binary runs side by
# side and the two rankings are compared (identical when both use the same rule). Needs hyperfine (Debian) and python3.
#   RUNS=3 POOL=20000 SCRATCH=.build-bench BASELINE=… bash Benchmarks/acquire.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="$here/.work/acquire"
mkdir -p "$work"
cd "$here/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
scratch="${SCRATCH:-.build-bench}"
swift build -c release --scratch-path "$scratch" --product easeml-ci >/dev/null
bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/easeml-ci"
pool="${POOL:-20000}"
shared="${EASEML_SHARED:-$here/../../shared}"
[ -f "$work/digits-pool.csv" ] || python3 "$here/make_acquire_data.py" digits "$work" "$shared/data"
[ -f "$work/synthetic-pool-$pool.done" ] || { python3 "$here/make_acquire_data.py" synthetic "$work" "$pool" && touch "$work/synthetic-pool-$pool.done"; }
for data in digits synthetic; do
  args="--labeled $work/$data-labeled.csv --pool $work/$data-pool.csv --valid $work/$data-valid.csv -k 5 --batch 10 --format csv"
  commands=(-n "easeml-ci acquire ($data)" "$bin acquire $args > $work/$data-ranking.csv")
  if [ -n "${BASELINE:-}" ]; then
    commands+=(-n "baseline ($data)" "$BASELINE acquire $args > $work/$data-baseline.csv")
  fi
  hyperfine --runs "${RUNS:-3}" --warmup 1 --export-markdown "$work/$data.md" "${commands[@]}"
  if [ -n "${BASELINE:-}" ]; then
    if cmp -s "$work/$data-ranking.csv" "$work/$data-baseline.csv"; then echo "$data: identical rankings"; else echo "$data: the rankings differ"; fi
  fi
done
