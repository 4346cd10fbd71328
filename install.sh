#!/usr/bin/env bash
# Installs the system libraries easeml-ci links against, bubblewrap (the prediction script's sandbox),
# the document converters of `ingest documents` (poppler-utils' pdftotext, pandoc) and builds it (release).
# Usage: ./install.sh            (as root, or with sudo available)
# Also creates .venv/ with the Python packages the tests use (Tests/python-requirements.txt), and the
# Python package's build and test environments (python/make-venvs.sh).
set -euo pipefail
cd "$(dirname "$0")"
packages=(libgit2-dev libsqlite3-dev libpq-dev postgresql openssl libopenblas-dev pkg-config bubblewrap poppler-utils pandoc)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The tests' Python peers (scikit-learn trials, a local Ray cluster) live in .venv/, never on the
# runtime path of easeml-ci. EASEML_SKIP_PYTHON=1 skips them (the tests that need them then fail
# with a message naming this script).
# The download and install of the Python packages (network and disk bound) runs beside the release
# build (CPU bound); the script waits for both and fails if either did.
pip_pid=""
pip_log="$(mktemp)"
trap 'rm -f "$pip_log"' EXIT
if [ "${EASEML_SKIP_PYTHON:-0}" != "1" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
  fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  { .venv/bin/pip install -q --disable-pip-version-check -r Tests/python-requirements.txt \
      && python/make-venvs.sh; } >"$pip_log" 2>&1 &
  pip_pid=$!
fi
# The Swift runtime is linked statically: the binary runs where no Swift toolchain is installed,
# and python/build-wheel.sh puts this very build into the Python wheel.
build_status=0
if [ "${EASEML_SKIP_BUILD:-0}" != "1" ]; then
  swift build -c release --static-swift-stdlib || build_status=$?
fi
if [ -n "$pip_pid" ] && ! wait "$pip_pid"; then
  cat "$pip_log" >&2
  echo "install.sh: installing Tests/python-requirements.txt into .venv or python/make-venvs.sh failed (output above)" >&2
  exit 1
fi
[ "$build_status" = 0 ] || exit "$build_status"
if [ "${EASEML_SKIP_BUILD:-0}" != "1" ]; then
  echo "Built: $(pwd)/.build/release/easeml-ci"
fi
