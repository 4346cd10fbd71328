"""Progress of long engine runs (`feasibility`, `automl run`) as a tqdm bar, when tqdm is installed.

The binary draws its own progress on a terminal: `feasibility` a bar (`[####   ] 42% step`),
`automl run` one line per trial (`automl: trial 3 ok: ...`). `_cli.run` gives it a pseudo-terminal
and feeds what it draws here."""

from __future__ import annotations

import re
from typing import Any, Optional

_PERCENT = re.compile(r"\] (\d{1,3})% ([^\r\n\x1b]*)")
_TRIAL_ENDED = re.compile(r"automl: trial \d+ (?:ok|failed|timed out)")


def bar(wanted: Optional[bool], *, total: Optional[float], unit: str, description: str) -> Optional["ProgressBar"]:
    """A bar when `wanted` (None: when tqdm is installed), else None (no terminal is given)."""
    if wanted is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return ProgressBar(tqdm(total=total, unit=unit, desc=description, leave=False))


class ProgressBar:
    """Turns what the binary draws into updates of a tqdm bar."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.pending = ""
        #: Everything drawn, for a failed run's message.
        self.text = ""

    def feed(self, text: str) -> None:
        self.text += text
        self.pending += text
        # The bar redraws itself after `\r`; trial lines end with `\n`.
        *complete, self.pending = re.split(r"[\r\n]", self.pending)
        for piece in complete:
            self._read(piece)

    def _read(self, piece: str) -> None:
        percent = _PERCENT.search(piece)
        if percent and self.bar.total == 100:
            self.bar.n = min(100, int(percent.group(1)))
            self.bar.set_postfix_str(percent.group(2).strip(), refresh=False)
            self.bar.refresh()
        elif _TRIAL_ENDED.search(piece):
            self.bar.update(1)

    def close(self) -> None:
        if self.pending:
            self._read(self.pending)
            self.pending = ""
        self.bar.close()
