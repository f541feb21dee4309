"""A plain text progress bar on stderr for the long CLI commands (import, broadcast)."""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """`bar.update(done)` redraws "label [#####.....]  40% 400/1000" in place when the shown percent changes."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._shown = -1

    def update(self, done: int, extra: str = "") -> None:
        percent = 100 if self.total == 0 else min(100, done * 100 // self.total)
        if percent == self._shown and not extra:
            return
        self._shown = percent
        filled = percent * WIDTH // 100
        bar = "#" * filled + "." * (WIDTH - filled)
        tail = f" {extra}" if extra else ""
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}% {done}/{self.total}{tail}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
