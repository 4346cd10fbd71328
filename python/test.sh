#!/usr/bin/env bash
# The Python package's tests: builds the wheel (python/build-wheel.sh), installs it into a fresh
# virtual environment (python/.venv-test, made anew each run) beside tests/requirements.txt, and
# runs pytest there with no Swift toolchain on the PATH, so the wheel's binary is the only one.
# Usage: python/test.sh [pytest arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wheel="$("$here/build-wheel.sh" | tail -n 1)"
venv="$here/.venv-test"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/tests/requirements.txt" "$wheel"
# The PATH without any folder holding a swift executable.
path=""
IFS=: read -ra folders <<< "$PATH"
for folder in "${folders[@]}"; do
  [ -x "$folder/swift" ] || path="${path:+$path:}$folder"
done
cd "$here/tests"
env -u EASEML_CI_BINARY -u EASEML_KEY -u EASEML_KEY_FILE PATH="$venv/bin:$path" EASEML_WHEEL="$wheel" \
  "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
