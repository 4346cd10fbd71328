#!/usr/bin/env bash
# Runs `easeml-ci automl simulate` over the 100 splits of shared/data/automl/splits.json (the
# reference table of shared/reference/automl.md) in a release build, and prints the table and the
# wall time. Environment: SCRATCH (release scratch path, default .build-bench), DATA (default
# ../shared/data/automl next to the repository), WORKERS (default 1).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="${DATA:-$root/../shared/data/automl}"
workers="${WORKERS:-1}"
[ -f "$data/sk_matrix.csv" ] && [ -f "$data/splits.json" ] || bench_fail "no $data/sk_matrix.csv or splits.json (set DATA)"

bench_build

echo "== automl simulate: 100 splits, reference rows, $workers worker(s)"
"$bin" automl simulate --matrix "$data/sk_matrix.csv" --splits "$data/splits.json" --workers "$workers"
