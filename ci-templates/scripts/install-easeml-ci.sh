#!/usr/bin/env bash
# Puts easeml-ci on a CI runner: its runtime libraries and bubblewrap (never the test-only Python
# environment), and the binary — the cached one when the CI cache restored it, else a release build
# from source (the job's cache then keeps it for the next run).
#
#   install-easeml-ci.sh --key SOURCE   prints the cache key: the version and a hash of the sources
#   install-easeml-ci.sh SOURCE BIN     installs; BIN is the cached folder (it ends up holding easeml-ci)
#
# Adds BIN to GITHUB_PATH when set (GitHub); GitLab jobs export PATH themselves.
set -euo pipefail
if [ "${1:-}" = "--key" ]; then
  src=$(cd "${2:?usage: install-easeml-ci.sh --key SOURCE}" && pwd)
  version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' "$src/Sources/EaseMLCI/EaseMLCIVersion.swift")
  digest=$(cd "$src" && find Package.swift Package.resolved Sources -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  echo "easeml-ci-$(uname -s)-$(uname -m)-$version-$digest"
  exit 0
fi
src=$(cd "${1:?usage: install-easeml-ci.sh SOURCE BIN}" && pwd)
bin=${2:?usage: install-easeml-ci.sh SOURCE BIN}
(cd "$src" && EASEML_SKIP_PYTHON=1 EASEML_SKIP_BUILD=1 ./install.sh)
if [ -x "$bin/easeml-ci" ] && "$bin/easeml-ci" version > /dev/null 2>&1; then
  echo "easeml-ci: the cached binary $bin/easeml-ci"
else
  # The Swift runtime linked in, so the cached binary needs only the system libraries above.
  (cd "$src" && swift build -c release --static-swift-stdlib --product easeml-ci)
  mkdir -p "$bin"
  cp "$(cd "$src" && swift build -c release --static-swift-stdlib --show-bin-path)/easeml-ci" "$bin/easeml-ci"
fi
if [ -n "${GITHUB_PATH:-}" ]; then echo "$(cd "$bin" && pwd)" >> "$GITHUB_PATH"; fi
"$bin/easeml-ci" version
