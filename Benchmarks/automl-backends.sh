#!/usr/bin/env bash
# `easeml-ci automl run` on its two backends, side by side with Ray's own Python SDK as the named
# baseline: N trivial trials (`./trial.sh X` prints EASEML_RESULT at once), WORKERS at a time, on a
# local Ray head bound to 127.0.0.1 (free ports, short --temp-dir, always `ray stop`).
# The time is per whole search: process start, ledger writes (easeml-ci), submission, polling every
# 0.5 s, logs. Environment: N (default 8), WORKERS (2), RUNS (3), SCRATCH (.build-bench),
# VENV (a venv with ray[default]==2.60.0 and hyperfine on PATH; default .venv from ./install.sh,
# else Benchmarks/.work/ray-venv made from PyPI).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
count="${N:-8}"
workers="${WORKERS:-2}"
runs="${RUNS:-3}"
work="$here/.work/automl-backends"
venv="${VENV:-$root/.venv}"
bench_need hyperfine python3 curl
if [ ! -x "$venv/bin/ray" ]; then
  venv="$here/.work/ray-venv"
  bench_venv "$venv" "ray[default]==2.60.0"
fi

bench_build

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
dashboard="$(free_port)"
temp="/tmp/eb-$$"
echo "== ray start --head (dashboard 127.0.0.1:$dashboard)"
"$venv/bin/ray" start --head --node-ip-address=127.0.0.1 --dashboard-host=127.0.0.1 --port="$(free_port)" \
  --dashboard-port="$dashboard" --dashboard-agent-listen-port="$(free_port)" --ray-client-server-port="$(free_port)" \
  --num-cpus="$workers" --disable-usage-stats --temp-dir="$temp" >/dev/null
trap '"$venv/bin/ray" stop --grace-period 3 >/dev/null 2>&1 || true; rm -rf "$temp"' EXIT
until curl -sf "http://127.0.0.1:$dashboard/api/version" >/dev/null; do sleep 0.5; done

rm -rf "$work" && mkdir -p "$work/local" "$work/ray"
grid="$(seq -s ', ' 1 "$count")"
for backend in local ray; do
  folder="$work/$backend"
  printf '#!/bin/sh\necho "EASEML_RESULT {\\"score\\": 0.$1}"\n' > "$folder/trial.sh"
  chmod +x "$folder/trial.sh"
  printf 'x\n1\n' > "$folder/train.csv"
  printf 'x\n2\n' > "$folder/valid.csv"
  {
    printf 'condition: n > 0.8 +/- 0.05\nreliability: 0.99\nautoml:\n  train: train.csv\n  valid: valid.csv\n'
    printf '  workers: %s\n  policy: round_robin\n  backend: %s\n' "$workers" "$backend"
    [ "$backend" = ray ] && printf '  ray_address: http://127.0.0.1:%s\n  ray_num_cpus: 1\n' "$dashboard"
    printf '  candidates:\n    - name: t\n      command: ./trial.sh {x}\n      grid: {x: [%s]}\n' "$grid"
  } > "$folder/.easeml.yml"
done

echo "== hyperfine: $count trials, $workers workers"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/results.json" \
  -n easeml-local --prepare "rm -rf $work/local/ledger.sqlite $work/local/.easeml" \
  "cd $work/local && $bin automl run --ledger ledger.sqlite" \
  -n easeml-ray --prepare "rm -rf $work/ray/ledger.sqlite $work/ray/.easeml" \
  "cd $work/ray && $bin automl run --ledger ledger.sqlite" \
  -n ray-sdk --prepare true "$venv/bin/python $here/baseline_ray_jobs.py http://127.0.0.1:$dashboard $work/ray $count $workers"
python3 - "$work/results.json" "$count" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
count = int(sys.argv[2])
for name, mean in results.items():
    print(f"{name:14s} {mean:7.2f} s  ({mean / count:.2f} s per trial)")
print(f"easeml-ray / ray-sdk = {results['easeml-ray'] / results['ray-sdk']:.2f}")
print(f"easeml-ray / easeml-local = {results['easeml-ray'] / results['easeml-local']:.1f}")
PY
