#!/usr/bin/env bash
# Installs the system libraries easeml-ci links against and builds it (release).
# Usage: ./install.sh            (as root, or with sudo available)
set -euo pipefail
packages=(libgit2-dev libsqlite3-dev libopenblas-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
if [ "${EASEML_SKIP_BUILD:-0}" != "1" ]; then
  swift build -c release
  echo "Built: $(swift build -c release --show-bin-path)/easeml-ci"
fi
