#!/usr/bin/env bash
# CI's first phase, as the GitHub action and the GitLab job run it: `easeml-ci predict` on the
# candidate commit, in a job that holds no key and no write token. Writes the artifact folder the
# scoring job consumes: predictions.csv, predictions.csv.easeml.json (the manifest) and, for a pull
# or merge request, its number (pull-request.txt; the scoring side checks it before using it).
#
# Reads EASEML_COMMIT (required), EASEML_OUTPUT_DIR (default easeml-predictions), EASEML_PULL_REQUEST,
# EASEML_ISOLATION (auto, bwrap or process; default auto), EASEML_SCRIPT_TIMEOUT, EASEML_INPUTS,
# EASEML_LEDGER, and GITHUB_STEP_SUMMARY / GITHUB_ACTIONS when set. The script's output appears only
# here, on the prediction side: in the log between stop-commands markers, and in the step summary as
# an excerpt of at most 2 KB, control characters removed, as an indented code block.
set -uo pipefail
dir=${EASEML_OUTPUT_DIR:-easeml-predictions}
mkdir -p "$dir"
args=(predict --commit "${EASEML_COMMIT:?set EASEML_COMMIT to the commit to predict}" --output "$dir/predictions.csv" --isolation "${EASEML_ISOLATION:-auto}")
[ -n "${EASEML_SCRIPT_TIMEOUT:-}" ] && args+=(--script-timeout "$EASEML_SCRIPT_TIMEOUT")
[ -n "${EASEML_INPUTS:-}" ] && args+=(--inputs "$EASEML_INPUTS")
[ -n "${EASEML_LEDGER:-}" ] && args+=(--ledger "$EASEML_LEDGER")
log=$(mktemp)
easeml-ci "${args[@]}" > "$log" 2>&1
status=$?
# What the commit's script printed is untrusted: GitHub must not read workflow commands in it.
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
[ "${GITHUB_ACTIONS:-}" = "true" ] && echo "::stop-commands::$token"
cat "$log"
[ "${GITHUB_ACTIONS:-}" = "true" ] && echo "::$token::"
if [ -n "${EASEML_PULL_REQUEST:-}" ]; then printf '%s\n' "$EASEML_PULL_REQUEST" > "$dir/pull-request.txt"; fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    printf '### easeml-ci predict: %s\n\n' "$([ "$status" -eq 0 ] && echo "predictions made" || echo "failed (exit $status)")"
    printf 'Commit `%s`. The scoring workflow judges them; nothing else is decided here.\n\n' "$(printf '%s' "$EASEML_COMMIT" | tr -cd '0-9a-fA-F' | cut -c1-40)"
    echo "Output (the first 2 KB):"
    echo
    head -c 2048 "$log" | tr -d '\000-\010\013-\037\177' | sed 's/^/    /'
    echo
  } >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$log"
exit "$status"
