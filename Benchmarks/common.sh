# Shared preamble of the benchmark scripts; source it, never run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# It sets `here` (this folder), `root` (the repository) and `bench_name` (the script's name, for
# messages), and defines the functions below. Each function exits the script on failure.

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench_name="$(basename "$0" .sh)"

# bench_fail MESSAGE: prints "NAME: MESSAGE" on stderr and exits 1.
bench_fail() {
    echo "$bench_name: $1" >&2
    exit 1
}

# bench_need TOOL...: exits unless every TOOL is on PATH, saying how to install the first missing one.
bench_need() {
    local tool hint
    for tool in "$@"; do
        case "$tool" in
            python3) hint="apt-get install -y python3 python3-venv" ;;
            *) hint="apt-get install -y $tool" ;;
        esac
        command -v "$tool" >/dev/null || bench_fail "needs $tool ($hint)"
    done
}

# bench_build: release build of easeml-ci with the scratch path SCRATCH (default .build-bench),
# linked as install.sh links it (the Swift runtime static), so the binary measured is the one users
# run; sets `bin` to the executable.
bench_build() {
    local scratch="${SCRATCH:-.build-bench}"
    echo "== build (release)"
    (cd "$root" && swift build -c release --static-swift-stdlib --scratch-path "$scratch" >/dev/null)
    bin="$root/$scratch/release/easeml-ci"
}

# bench_repo: a fresh git repository (branch main, a bench committer) in a temporary folder that
# is removed when the script exits, made the working directory; sets `work` to it.
bench_repo() {
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cd "$work"
    git init -q -b main . && git config user.email bench@example.com && git config user.name bench
}

# bench_venv DIR PACKAGE...: a virtual environment at DIR with the PyPI packages (pip
# requirement specifiers such as numpy or "ray[default]==2.60.0"), made only when DIR has no
# python with every one of them installed (by distribution name); sets `py` to its python.
bench_venv() {
    local dir="$1"
    shift
    local has='import re, sys, importlib.metadata as m
for requirement in sys.argv[1:]:
    m.distribution(re.split(r"[\[=<>~!;]", requirement, maxsplit=1)[0].strip())'
    if [ ! -x "$dir/bin/python" ] || ! "$dir/bin/python" -c "$has" "$@" 2>/dev/null; then
        bench_need python3
        echo "== virtual environment with $* (PyPI)"
        python3 -m venv "$dir"
        "$dir/bin/pip" install --quiet "$@"
    fi
    py="$dir/bin/python"
}
