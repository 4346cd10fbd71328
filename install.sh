#!/usr/bin/env bash
# Installs the system libraries easeml-ci links against, bubblewrap (the prediction script's sandbox),
# the document converters of `ingest documents` (poppler-utils' pdftotext, pandoc) and builds it (release,
# in .build-release), with the debug build of the tests beside it (in .build, what `swift test` runs).
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
test_log="$(mktemp)"
trap 'rm -f "$pip_log" "$test_log"' EXIT
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
# and python/build-wheel.sh puts this very build into the Python wheel. It has its own scratch path
# (.build-release), so that the debug build of the tests — what `swift test` runs, in .build — can
# run beside it: the release build's whole-module compiles leave a core idle for minutes, which the
# debug build's per-file compiles fill (on 2 cores both took 675 s together, against 449 s + 365 s
# one after the other). `swift test` then starts at once. EASEML_SKIP_TEST_BUILD=1 leaves the debug
# build to `swift test`.
release_dir=.build-release
test_pid=""
build_status=0
if [ "${EASEML_SKIP_BUILD:-0}" != "1" ]; then
  if [ "${EASEML_SKIP_TEST_BUILD:-0}" != "1" ]; then
    swift build --build-tests >"$test_log" 2>&1 &
    test_pid=$!
  fi
  swift build -c release --static-swift-stdlib --scratch-path "$release_dir" || build_status=$?
fi
if [ -n "$pip_pid" ] && ! wait "$pip_pid"; then
  cat "$pip_log" >&2
  echo "install.sh: installing Tests/python-requirements.txt into .venv or python/make-venvs.sh failed (output above)" >&2
  exit 1
fi
if [ -n "$test_pid" ] && ! wait "$test_pid"; then
  cat "$test_log" >&2
  echo "install.sh: the debug build of the tests (swift build --build-tests) failed (output above)" >&2
  exit 1
fi
[ "$build_status" = 0 ] || exit "$build_status"
if [ "${EASEML_SKIP_BUILD:-0}" != "1" ]; then
  echo "Built: $(pwd)/$release_dir/release/easeml-ci"
fi
