#!/usr/bin/env bash
# Charges per second with 8 concurrent CI runners, a SQLite ledger file against a team ledger on
# PostgreSQL, side by side in one hyperfine run: each run, 8 runners each make CHECKS `easeml-ci
# check`s of distinct models (every one a charge) on a freshly registered set (the --prepare step,
# not timed). The PostgreSQL server is a throw-away cluster (initdb/pg_ctl from Debian's postgresql,
# as the `postgres` user when root) on 127.0.0.1, stopped at the end. Release build; hyperfine from
# Debian. Usage: Benchmarks/ledger-charges.sh   Environment: CHECKS (default 10), RUNS (default 5),
# SCRATCH (release scratch path, default .build-bench).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_need hyperfine python3 git
checks="${CHECKS:-10}"
runs="${RUNS:-5}"
runners=8
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$pgbin/initdb" ] || bench_fail "needs Debian's postgresql (./install.sh installs it)"
bench_build
bench_repo
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
mkdir -p "$work/pg"
if [ ${#run_as[@]} != 0 ]; then chmod 755 "$work" && chown postgres "$work/pg"; fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run_as[@]}" "$pgbin/initdb" -D "$work/pg/data" -U easeml_admin --auth=trust --no-sync >/dev/null
"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work/pg -c max_connections=100" start </dev/null >/dev/null 2>&1
trap '"${run_as[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$work"' EXIT
url="postgresql://easeml_admin@127.0.0.1:$port/bench"

cat > .easeml.yml <<'YML'
condition: n > 0.5 +/- 0.05
reliability: 0.9
adaptivity: none
steps: 100000
YML
"$bin" key generate --output "$work/owner.key" >/dev/null
export EASEML_KEY_FILE="$work/owner.key"
python3 - "$runners" "$checks" <<'PY'
import sys
runners, checks = int(sys.argv[1]), int(sys.argv[2])
labels = [str((i * 7 + i // 5) % 4) for i in range(3000)]
def write(name, values):
    with open(name, "w") as out:
        out.write("id,label\n" + "".join(f"e{i},{v}\n" for i, v in enumerate(values)))
write("labels.csv", labels)
for r in range(runners):
    for c in range(checks):
        wrong = set(range(r * 97 + c * 13, r * 97 + c * 13 + 100 + c))
        write(f"m{r}_{c}.csv", [str((int(v) + 1) % 4) if i in wrong else v for i, v in enumerate(labels)])
PY
cat > runners.sh <<SH
#!/usr/bin/env bash
for r in \$(seq 0 $((runners - 1))); do
  ( for c in \$(seq 0 $((checks - 1))); do "$bin" check --predictions m\${r}_\${c}.csv >/dev/null || [ \$? = 1 ]; done ) &
done
wait
SH
chmod +x runners.sh
hyperfine --warmup 1 --runs "$runs" --export-json "$work/charges.json" \
  --prepare "rm -rf .git/easeml && $bin testset add --labels labels.csv >/dev/null" \
  -n "sqlite file" "./runners.sh" \
  --prepare "$pgbin/psql -X -q -h 127.0.0.1 -p $port -U easeml_admin -d postgres -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null && EASEML_LEDGER_URL=$url $bin testset add --labels labels.csv >/dev/null" \
  -n "postgresql" "env EASEML_LEDGER_URL=$url ./runners.sh"
python3 - "$work/charges.json" "$((runners * checks))" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
charges = int(sys.argv[2])
file_, server = results["sqlite file"], results["postgresql"]
print(f"{charges} charges by 8 concurrent runners per run:")
for name, r in (("SQLite file", file_), ("PostgreSQL", server)):
    print(f"  {name:12s} {charges / r['mean']:7.1f} charges/s (median {r['median']:.2f} s per run)")
print(f"  PostgreSQL / SQLite throughput: {file_['median'] / server['median']:.2f}")
PY
