#!/usr/bin/env bash
# The GitHub Action's check step, runnable by hand: the same `easeml-ci check` a person runs,
# plus the GitHub glue (step summary, annotations, step output). Reads EASEML_COMMIT (default
# HEAD), EASEML_LEDGER (optional), GITHUB_STEP_SUMMARY and GITHUB_OUTPUT (optional).
set -uo pipefail
args=(check --commit "${EASEML_COMMIT:-HEAD}" --junit easeml-junit.xml --markdown easeml-summary.md --json)
[ -n "${EASEML_LEDGER:-}" ] && args+=(--ledger "$EASEML_LEDGER")
output=$(easeml-ci "${args[@]}" 2> easeml-stderr.txt)
status=$?
errors=$(cat easeml-stderr.txt); rm -f easeml-stderr.txt
verdict=$(printf '%s' "$output" | sed -n 's/.*"answer" : "\([a-z]*\)".*/\1/p' | head -n 1)
if [ -z "$verdict" ] && [ "$status" -eq 0 ]; then verdict="no-model-change"; fi
[ -n "$verdict" ] || verdict="error"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ -f easeml-summary.md ]; then cat easeml-summary.md >> "$GITHUB_STEP_SUMMARY"
  elif [ "$verdict" = "no-model-change" ]; then echo "### easeml-ci: ✅ no model change" >> "$GITHUB_STEP_SUMMARY"
  else printf '### easeml-ci: error\n\n```\n%s\n```\n' "$errors" >> "$GITHUB_STEP_SUMMARY"; fi
fi
[ -n "${GITHUB_OUTPUT:-}" ] && echo "verdict=$verdict" >> "$GITHUB_OUTPUT"
case "$status" in
  0) echo "easeml-ci: $verdict" ;;
  1) echo "::error title=easeml-ci::the model in ${EASEML_COMMIT:-HEAD} does not satisfy the condition (FAIL)" ;;
  3) echo "::error title=easeml-ci::the test set cannot answer: ${errors:-exhausted or retired}" ;;
  *) echo "::error title=easeml-ci::$(printf '%s' "$errors" | head -n 1)" ;;
esac
exit "$status"
