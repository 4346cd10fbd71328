#!/usr/bin/env bash
# Makes the Python package's two tool environments, each from its pinned requirements file:
#   python/.venv-build  build-requirements.txt  (what build-wheel.sh builds the wheel with)
#   python/.venv-test   tests/requirements.txt  (what test.sh installs the wheel beside)
# An environment whose requirements file changed since it was made (a sha256 stamp inside it) is
# made anew; one that matches is kept. ./install.sh runs this beside the release build (network and
# disk against CPU); build-wheel.sh and test.sh run it again, which then costs nothing.
# Usage: python/make-venvs.sh [build|test]...      (both when none is named)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

make_venv() { # make_venv FOLDER REQUIREMENTS
  local venv="$1" requirements="$2" stamp="$1/.requirements.sha256" want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
}

[ $# -gt 0 ] || set -- build test
for name in "$@"; do
  case "$name" in
    build) make_venv "$here/.venv-build" "$here/build-requirements.txt" ;;
    test) make_venv "$here/.venv-test" "$here/tests/requirements.txt" ;;
    *) echo "make-venvs.sh: unknown environment '$name' (build or test)" >&2; exit 2 ;;
  esac
done
