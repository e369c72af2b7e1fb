"""Export targets written whole or not at all: a file with side files, a folder, or a zip."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

from annotator.core.errors import UserError
from annotator.formats.base import Layout

FILE_MODE = 0o644
DIR_MODE = 0o755


class AtomicSink:
    """An :class:`~annotator.formats.base.OutputSink` that writes to temporary names and moves
    everything into place on :meth:`commit`; :meth:`abort` removes every trace."""

    def __init__(self, target: Path, layout: Layout) -> None:
        self.target = target
        self.layout = layout
        parent = target.parent
        if not parent.is_dir():
            raise UserError(f"{target}: folder {parent} does not exist", code="ANN190")
        if not os.access(parent, os.W_OK):
            raise UserError(
                f"{target}: cannot write into {parent} (permission denied)", code="ANN191"
            )
        self._files: list[tuple[Path, Path]] = []  # (temporary, final)
        self._zip: zipfile.ZipFile | None = None
        self._zip_tmp: Path | None = None
        self._dir_tmp: Path | None = None
        self.written: list[Path] = []
        if layout is Layout.FOLDER:
            if target.suffix.lower() == ".zip":
                fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
                os.fchmod(fd, FILE_MODE)
                os.close(fd)
                self._zip_tmp = Path(name)
                self._zip = zipfile.ZipFile(self._zip_tmp, "w", zipfile.ZIP_DEFLATED)
            else:
                if target.exists() and (not target.is_dir() or any(target.iterdir())):
                    raise UserError(
                        f"{target}: exists and is not an empty folder; choose a new folder "
                        "or a .zip name",
                        code="ANN194",
                    )
                self._dir_tmp = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
                )
                self._dir_tmp.chmod(DIR_MODE)

    # -- FILE layout ----------------------------------------------------------------------------

    def _temp_for(self, final: Path) -> Path:
        fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; an export is meant to be shared
        os.close(fd)
        temp = Path(name)
        self._files.append((temp, final))
        return temp

    @contextmanager
    def main_text(self) -> Iterator[TextIO]:
        self._need(Layout.FILE)
        with self._temp_for(self.target).open("w", encoding="utf-8", newline="\n") as handle:
            yield handle

    @contextmanager
    def main_binary(self) -> Iterator[BinaryIO]:
        self._need(Layout.FILE)
        with self._temp_for(self.target).open("wb") as handle:
            yield handle

    @contextmanager
    def beside(self, suffix: str) -> Iterator[TextIO]:
        self._need(Layout.FILE)
        final = self.target.with_name(self.target.stem + suffix)
        with self._temp_for(final).open("w", encoding="utf-8", newline="\n") as handle:
            yield handle

    # -- FOLDER layout --------------------------------------------------------------------------

    @contextmanager
    def member(self, relative: str) -> Iterator[TextIO]:
        with self.member_binary(relative) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
            try:
                yield text
            finally:
                text.flush()
                text.detach()

    @contextmanager
    def member_binary(self, relative: str) -> Iterator[BinaryIO]:
        self._need(Layout.FOLDER)
        path = _safe_relative(relative)
        if self._zip is not None:
            with self._zip.open(str(path), "w") as handle:
                yield handle  # type: ignore[misc]
            return
        assert self._dir_tmp is not None
        final = self._dir_tmp / path
        final.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        with final.open("wb") as handle:
            yield handle

    # -- finishing ------------------------------------------------------------------------------

    def commit(self) -> None:
        if self._zip is not None and self._zip_tmp is not None:
            self._zip.close()
            os.replace(self._zip_tmp, self.target)
            self.written.append(self.target)
        elif self._dir_tmp is not None:
            if self.target.exists():
                self.target.rmdir()  # checked empty at the start
            os.replace(self._dir_tmp, self.target)
            self.written.append(self.target)
        for temp, final in self._files:
            os.replace(temp, final)
            self.written.append(final)

    def abort(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._zip_tmp is not None:
            self._zip_tmp.unlink(missing_ok=True)
        if self._dir_tmp is not None:
            shutil.rmtree(self._dir_tmp, ignore_errors=True)
        for temp, _ in self._files:
            temp.unlink(missing_ok=True)

    def _need(self, layout: Layout) -> None:
        if self.layout is not layout:
            raise RuntimeError(f"this export writes a {self.layout.value}, not a {layout.value}")


def _safe_relative(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"unsafe member name {relative!r}")
    return path
