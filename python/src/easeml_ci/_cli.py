"""The one layer between Python and the `easeml-ci` binary: `run` starts it with `--json`, reads the
one JSON document it prints on standard output, and turns an `{"error": ...}` document or an exit
code into the exception of `errors`. Every call of the API goes through `run`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence, TypeVar

from .errors import EaseMLError, InternalError, Location, TestSetExhausted, error_for_exit

T = TypeVar("T")

#: Names another `easeml-ci` executable to run instead of the one in the wheel (a development build).
BINARY_VARIABLE = "EASEML_CI_BINARY"

#: Called as `observer(arguments, exit_code, document)` after every run that printed JSON (the
#: tests validate each document against the schemas this way).
observers: list[Callable[[list[str], int, Any], None]] = []


def binary() -> str:
    """The path of the `easeml-ci` executable this package runs: `$EASEML_CI_BINARY`, else the
    one shipped in the wheel (`easeml_ci/bin/easeml-ci`)."""
    override = os.environ.get(BINARY_VARIABLE)
    if override:
        return override
    shipped = Path(__file__).resolve().parent / "bin" / "easeml-ci"
    if shipped.is_file():
        return str(shipped)
    raise InternalError(
        f"no easeml-ci executable in {shipped.parent}: install the wheel built by python/build-wheel.sh, "
        f"or set {BINARY_VARIABLE} to a built easeml-ci"
    )


def main() -> None:
    """The `easeml-ci` console script: replaces this process with the binary, same arguments."""
    path = binary()
    os.execv(path, [path, *sys.argv[1:]])


def run(
    arguments: Sequence[str],
    decode: Callable[[Any], T],
    *,
    cwd: Optional[os.PathLike | str] = None,
    env: Optional[Mapping[str, str]] = None,
    progress: Any = None,
) -> T:
    """Runs `easeml-ci ARGUMENTS --json` and returns `decode(document)`.

    Exit 0 and 1 are results (a FAIL verdict, an infeasible target). An `{"error": ...}` document
    raises the exception of its exit code, with the message and position it carries; exit 3 with
    a result (a refused check) raises `TestSetExhausted` carrying the decoded result. `progress`
    (see `progress.ProgressBar`) gets the text the binary draws on a terminal: standard error is
    then a pseudo-terminal.
    """
    command = [binary(), *[os.fspath(a) for a in arguments], "--json"]
    environment = dict(os.environ)
    environment.update(env or {})
    if progress is None:
        finished = subprocess.run(
            command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        out, err, code = finished.stdout, finished.stderr, finished.returncode
    else:
        out, err, code = _run_on_terminal(command, cwd, environment, progress)
    shown = ["easeml-ci", *command[1:]]
    stderr = err.decode("utf-8", "replace")
    try:
        document = json.loads(out.decode("utf-8"))
    except ValueError:
        reason = f"ended by signal {-code}" if code < 0 else f"exit {code}"
        raise InternalError(
            f"easeml-ci {' '.join(command[1:2])} printed no JSON ({reason})",
            detail=(stderr or out.decode("utf-8", "replace")).strip() or None,
            command=shown,
        ) from None
    for observer in observers:
        observer(list(command[1:-1]), code, document)
    if isinstance(document, dict) and set(document) == {"error"}:
        raise _error(document["error"], code, shown)
    if code in (0, 1):
        return decode(document)
    if code == 3:
        result = decode(document)
        raise TestSetExhausted(
            getattr(result, "message", None) or "the test set is exhausted or unavailable",
            kind="test-set",
            exit_code=3,
            command=shown,
            result=result,
        )
    raise InternalError(f"easeml-ci ended with exit {code}", exit_code=code, detail=stderr.strip() or None, command=shown)


def _error(error: Mapping[str, Any], code: int, command: list[str]) -> EaseMLError:
    where = error.get("location")
    location = None
    if isinstance(where, Mapping):
        location = Location(
            file=where.get("file"),
            line=where.get("line"),
            column=where.get("column"),
            source_line=where.get("sourceLine"),
            hint=where.get("hint"),
        )
    exit_code = int(error.get("exitCode", code))
    kind = str(error.get("kind", "internal"))
    return error_for_exit(exit_code, kind)(
        str(error.get("message", "")),
        kind=kind,
        exit_code=exit_code,
        location=location,
        detail=error.get("detail"),
        command=command,
    )


def _run_on_terminal(command: list[str], cwd: Any, env: Mapping[str, str], progress: Any) -> tuple[bytes, bytes, int]:
    """Runs `command` with a pseudo-terminal as standard error (the binary draws its progress bar
    only on a terminal) and feeds what it draws to `progress`."""
    import pty
    import threading

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower
        )
    finally:
        os.close(follower)
    drawn: list[bytes] = []

    def pump() -> None:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: every writer of the terminal has closed it
                break
            if not chunk:
                break
            drawn.append(chunk)
            progress.feed(chunk.decode("utf-8", "replace"))

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        assert process.stdout is not None
        out = process.stdout.read()
        code = process.wait()
        # A trial the binary started may still hold the terminal for a moment after it exits.
        reader.join(timeout=10)
    finally:
        os.close(leader)
        progress.close()
    return out, b"".join(drawn), code
