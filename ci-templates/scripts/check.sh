#!/usr/bin/env bash
# CI's second phase, as the GitHub action and the GitLab job run it: the job that holds the key
# scores the prediction job's artifact with `easeml-ci check --commit --predictions`, and runs no
# repository code: the commit is fetched as a git object (never checked out), the working tree is the
# owner's (the default branch: .easeml.yml and the travelling ledger), and the predictions are data.
# The verdict note is pushed to refs/notes/easeml; check itself pushes the travelling ledger.
#
# Reads EASEML_COMMIT (required), EASEML_PREDICTIONS (required: the artifact's predictions.csv),
# EASEML_BRANCH, EASEML_FETCH_REF (a ref holding the commit, e.g. refs/pull/N/head; default the
# commit itself), EASEML_LEDGER, EASEML_REMOTE (default origin), the key (EASEML_KEY or
# EASEML_KEY_FILE), and GITHUB_STEP_SUMMARY / GITHUB_OUTPUT / GITHUB_ACTIONS when set. Writes
# easeml-outcome.json, easeml-junit.xml, easeml-summary.md and easeml-comment.md, and the outputs
# verdict, state (success, failure or error) and description for a commit status. Nothing from the
# artifact or the commit reaches a summary, comment or output: only the verdict, the ids it checked
# and the budget; errors go to the log only, between stop-commands markers.
set -uo pipefail
commit=$(printf '%s' "${EASEML_COMMIT:?set EASEML_COMMIT to the commit to judge}" | tr -cd '0-9a-f')
remote=${EASEML_REMOTE:-origin}
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
quoted() { # prints a file to the log with GitHub's workflow commands off
  [ "${GITHUB_ACTIONS:-}" = "true" ] && echo "::stop-commands::$token"
  cat "$1"
  [ "${GITHUB_ACTIONS:-}" = "true" ] && echo "::$token::"
}
git fetch --no-tags --quiet "$remote" "${EASEML_FETCH_REF:-$commit}" || true
if ! git cat-file -e "$commit^{commit}" 2> /dev/null; then
  echo "easeml-ci: commit $commit is not in this clone; fetch it (EASEML_FETCH_REF) before scoring" >&2
  exit 2
fi
git fetch --no-tags --quiet "$remote" "+refs/notes/easeml:refs/notes/easeml" 2> /dev/null || true
args=(check --commit "$commit" --predictions "${EASEML_PREDICTIONS:?set EASEML_PREDICTIONS to the artifact predictions.csv}"
  --json --junit easeml-junit.xml --markdown easeml-summary.md)
[ -n "${EASEML_BRANCH:-}" ] && args+=(--branch "$EASEML_BRANCH")
[ -n "${EASEML_LEDGER:-}" ] && args+=(--ledger "$EASEML_LEDGER")
errors=$(mktemp)
easeml-ci "${args[@]}" > easeml-outcome.json 2> "$errors"
status=$?
verdict=$(sed -n 's/.*"answer" : "\([a-z]*\)".*/\1/p' easeml-outcome.json | head -n 1)
if [ -z "$verdict" ] && [ "$status" -eq 0 ]; then verdict="no-model-change"; fi
[ -n "$verdict" ] || verdict="error"
step=$(sed -n 's/.*"step" : \([0-9]*\).*/\1/p' easeml-outcome.json | head -n 1)
left=$(sed -n 's/.*"stepsLeft" : \([0-9]*\).*/\1/p' easeml-outcome.json | head -n 1)
set_id=$(sed -n 's/.*"testSetID" : "\([0-9a-f]*\)".*/\1/p' easeml-outcome.json | head -n 1 | cut -c1-12)
case "$verdict" in
  pass) state=success; description="easeml-ci: PASS (test set $set_id, step $step, $left steps left)" ;;
  recorded) state=success; description="easeml-ci: RECORDED for the owner (test set $set_id, $left steps left)" ;;
  no-model-change) state=success; description="easeml-ci: no model change, no test-set use" ;;
  fail) state=failure; description="easeml-ci: FAIL (test set $set_id, step $step, $left steps left)" ;;
  refused) state=failure; description="easeml-ci: the test set cannot answer (exhausted or retired)" ;;
  *) state=error; description="easeml-ci: not scored (exit $status); see the job log" ;;
esac
if [ "$verdict" = "error" ]; then
  echo "easeml-ci check failed (exit $status):" >&2
  quoted easeml-outcome.json >&2
  quoted "$errors" >&2
fi
rm -f "$errors"
# The verdict note goes where every clone sees it; a lost race merges the other runner's notes.
case "$verdict" in pass | fail | recorded)
  for attempt in 1 2 3; do
    git push --quiet "$remote" refs/notes/easeml && break
    git fetch --no-tags --quiet "$remote" "+refs/notes/easeml:refs/notes/easeml-incoming" || true
    git -c user.name=easeml-ci -c user.email=easeml-ci@localhost notes --ref=easeml merge --quiet -s cat_sort_uniq refs/notes/easeml-incoming || true
    [ "$attempt" -lt 3 ] || { echo "easeml-ci: cannot push refs/notes/easeml to $remote" >&2; status=4; }
  done ;;
esac
printf '%s\n\n_The verdict only: the hidden test set, its labels and the accuracies stay with the integration owner._\n' \
  "$description for commit \`${commit:0:12}\`." > easeml-comment.md
echo "easeml-ci: $description"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'verdict=%s\nstate=%s\ndescription=%s\n' "$verdict" "$state" "$description" >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -f easeml-summary.md ]; then cat easeml-summary.md >> "$GITHUB_STEP_SUMMARY"; else printf '### %s\n' "$description" >> "$GITHUB_STEP_SUMMARY"; fi
fi
exit "$status"
