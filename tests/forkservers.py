"""Find this process's multiprocessing fork servers by reading /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path


def server_processes() -> list[int]:
    """This process's children that are a multiprocessing fork server."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        if parent == os.getpid() and b"multiprocessing.forkserver" in command:
            found.append(int(entry.name))
    return found
