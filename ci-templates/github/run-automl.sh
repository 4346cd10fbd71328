#!/usr/bin/env bash
# The GitHub Action's optional AutoML step, runnable by hand. On a pull request that changes what
# the search depends on (.easeml.yml, the train/valid data, the trial programs: the paths
# `easeml-ci automl plan --paths` prints), it runs the budgeted search of the `automl:` section,
# writes the leaderboard to the step summary, proposes the best arm on its own branch
# (easeml/automl/...) and pushes that branch. Nothing else in the repository changes.
# Reads EASEML_BASE (the pull request's base commit; required), EASEML_HEAD (default HEAD),
# EASEML_LEDGER (optional), EASEML_AUTOML_TRIALS (optional budget override), EASEML_REMOTE
# (default origin), GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (optional).
set -euo pipefail
ledger=()
[ -n "${EASEML_LEDGER:-}" ] && ledger=(--ledger "$EASEML_LEDGER")
top=$(git rev-parse --show-toplevel)
changed=$(git diff --name-only "${EASEML_BASE:?set EASEML_BASE to the base commit of the pull request}" "${EASEML_HEAD:-HEAD}")
watched=$(easeml-ci automl plan --paths ${ledger[@]+"${ledger[@]}"})
relevant=()
while IFS= read -r file; do
  [ -n "$file" ] || continue
  while IFS= read -r path; do
    case "$top/$file" in "$path" | "$path"/*) relevant+=("$file"); break ;; esac
  done <<< "$watched"
done <<< "$changed"
if [ ${#relevant[@]} -eq 0 ]; then
  echo "easeml-ci automl: no change to the search's data, space or trial code; skipping"
  [ -n "${GITHUB_OUTPUT:-}" ] && echo "automl=skipped" >> "$GITHUB_OUTPUT"
  exit 0
fi
echo "easeml-ci automl: changed: ${relevant[*]}"
budget=()
[ -n "${EASEML_AUTOML_TRIALS:-}" ] && budget=(--budget-trials "$EASEML_AUTOML_TRIALS")
CI=true easeml-ci automl run ${budget[@]+"${budget[@]}"} ${ledger[@]+"${ledger[@]}"}
board=$(easeml-ci automl leaderboard ${ledger[@]+"${ledger[@]}"})
proposed=$(easeml-ci automl propose ${ledger[@]+"${ledger[@]}"})
echo "$proposed"
branch=$(printf '%s\n' "$proposed" | sed -n 's/.* on \(easeml\/automl\/[^ ]*\) as .*/\1/p')
git push "${EASEML_REMOTE:-origin}" "refs/heads/$branch:refs/heads/$branch"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '### easeml-ci AutoML\n\nChanged: %s\n\n```\n%s\n```\n\n%s; branch `%s` pushed.\n' \
    "${relevant[*]}" "$board" "$proposed" "$branch" >> "$GITHUB_STEP_SUMMARY"
fi
[ -n "${GITHUB_OUTPUT:-}" ] && echo "automl-branch=$branch" >> "$GITHUB_OUTPUT"
exit 0
