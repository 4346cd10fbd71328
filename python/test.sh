#!/usr/bin/env bash
# The Python package's tests: builds the wheel (python/build-wheel.sh), installs it (anew, replacing
# any earlier one) into python/.venv-test beside tests/requirements.txt (python/make-venvs.sh makes
# that environment, anew whenever the requirements change), and runs pytest there with no Swift
# toolchain on the PATH, so the wheel's binary is the only one.
# Usage: python/test.sh [pytest arguments]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
wheel="$("$here/build-wheel.sh" | tail -n 1)"
venv="$here/.venv-test"
"$here/make-venvs.sh" test
"$venv/bin/pip" uninstall -q -y --disable-pip-version-check easeml-ci
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/pip" check --disable-pip-version-check >/dev/null
# The PATH without any folder holding a swift executable.
path=""
IFS=: read -ra folders <<< "$PATH"
for folder in "${folders[@]}"; do
  [ -x "$folder/swift" ] || path="${path:+$path:}$folder"
done
cd "$here/tests"
env -u EASEML_CI_BINARY -u EASEML_KEY -u EASEML_KEY_FILE PATH="$venv/bin:$path" EASEML_WHEEL="$wheel" \
  "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
