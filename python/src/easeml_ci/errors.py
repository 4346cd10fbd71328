"""The exceptions of easeml_ci: one per exit code of the command line (README, "Output, errors and
exit codes"). A FAIL verdict is a result, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Location:
    """Where in a file (or a condition given as text) the problem is."""

    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    source_line: Optional[str] = None
    hint: Optional[str] = None


class EaseMLError(Exception):
    """An error the `easeml-ci` command reported: its `{"error": {...}}` document, taken apart.

    `message` is the command line's message without prefix or position; `file`, `line` and
    `column` are set when the problem is in a file or a condition; `exit_code` is the process's.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "internal",
        exit_code: int = 4,
        location: Optional[Location] = None,
        detail: Optional[str] = None,
        command: Optional[list[str]] = None,
        result: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.exit_code = exit_code
        self.location = location
        self.detail = detail
        self.command = command
        #: The result the command printed with this exit code (a refused check), if any.
        self.result = result

    @property
    def file(self) -> Optional[str]:
        return self.location.file if self.location else None

    @property
    def line(self) -> Optional[int]:
        return self.location.line if self.location else None

    @property
    def column(self) -> Optional[int]:
        return self.location.column if self.location else None

    def __str__(self) -> str:
        place = ""
        if self.location is not None:
            parts = [str(p) for p in (self.location.file, self.location.line, self.location.column) if p is not None]
            place = ":".join(parts) + ": " if parts else ""
        text = f"{place}{self.message}"
        if self.location is not None and self.location.hint:
            text += f" (hint: {self.location.hint})"
        return text


class UsageError(EaseMLError):
    """Exit 2, kind `usage`: an unknown flag or an invalid option value."""


class ConfigurationError(EaseMLError):
    """Exit 2: a broken `.easeml.yml`, condition or input file, a missing key, a question mismatch."""


class TestSetExhausted(EaseMLError):
    """Exit 3: the test set is exhausted, retired or unavailable (the owner registers a new one)."""

    __test__ = False  # not a pytest test class


class InternalError(EaseMLError):
    """Exit 4 (I/O, database), a crash, or output that is not the documented JSON."""


def error_for_exit(exit_code: int, kind: str) -> type[EaseMLError]:
    """The exception type of an exit code (and, for 2, of the error's kind)."""
    if exit_code == 2:
        return UsageError if kind == "usage" else ConfigurationError
    if exit_code == 3:
        return TestSetExhausted
    if exit_code == 1:
        return EaseMLError
    return InternalError
