#!/usr/bin/env bash
# Times `easeml-ci hook pre-commit` on a commit that touches nothing relevant (the common case),
# side by side with `git diff --cached --name-only` (the least any pre-commit hook must do: list the
# staged paths). Release build; hyperfine from Debian. Usage: Benchmarks/pre-commit-hook.sh
# Environment: SCRATCH (release scratch path, default .build-bench).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_need hyperfine python3
bench_build
bench_repo
cat > .easeml.yml <<'YML'
condition: n - o > 0.02 +/- 0.01 /\ d < 0.1 +/- 0.01
reliability: 0.999
adaptivity: full
steps: 32
models: [model/]
script: ./predict.sh
YML
mkdir -p model && echo v1 > model/weights.bin && seq 1 2000 > README.md
git add -A && git commit -q -m init
# The hook git runs: its /bin/sh fast path decides this commit without starting easeml-ci.
"$bin" hooks install >/dev/null
echo "a docs change" >> README.md && git add README.md
# Beside the hook: the same check through ArgumentParser's command tree (`--json`), and
# `easeml-ci version`, the binary's start-up floor (no repository, no libgit2 initialisation).
hyperfine -N --warmup 5 --runs 100 --export-json "$work/hook.json" \
  -n "git diff --cached --name-only (baseline)" "git diff --cached --name-only" \
  -n "installed pre-commit hook (what git runs)" ".git/hooks/pre-commit" \
  -n "easeml-ci hook pre-commit" "$bin hook pre-commit" \
  -n "easeml-ci hook pre-commit --json" "$bin hook pre-commit --json" \
  -n "easeml-ci version" "$bin version"
python3 - "$work/hook.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["git diff --cached --name-only (baseline)"]
for name in ["installed pre-commit hook (what git runs)", "easeml-ci hook pre-commit", "easeml-ci hook pre-commit --json", "easeml-ci version"]:
    ours = r[name]
    print(f"median: {name} {ours['median']*1000:.1f} ms, git {base['median']*1000:.1f} ms, ratio {ours['median']/base['median']:.2f}x")
PY
