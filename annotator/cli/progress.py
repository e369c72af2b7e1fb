"""A one-line progress display for terminals (nothing is printed when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, label: str, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self._label = label
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty()
        self._interval = interval
        self._last = 0.0
        self._shown = False

    def update(self, done: int, total: int | None = None, detail: str = "") -> None:
        if not self._enabled:
            return
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        if total:
            width = 28
            filled = int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            text = f"{self._label} [{bar}] {done}/{total} {detail}"
        else:
            text = f"{self._label} {done} {detail}"
        self._stream.write("\r" + text[:110].ljust(110))
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r" + " " * 110 + "\r")
            self._stream.flush()
