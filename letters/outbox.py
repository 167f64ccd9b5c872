"""Where a letter goes once rendered: a folder that a print-and-post provider collects.

One interface (`LetterOutbox.post`) with one implementation, `FolderOutbox`, in two forms:
- development (`DATA_DIR/courrier/`): the PDF and a readable `.txt` copy, listed on the
  development page `/dev/courrier`;
- production (`LETTER_OUTBOX_DIR`): a spool folder the provider collects; PDFs only.

Every file appears whole or not at all: it is written under a hidden temporary name in the same
folder, flushed to disk (fsync), then renamed — a rename within one file system is atomic, so the
provider never picks up half a letter. Posting is idempotent by the letter's key: a retried
activity finds the letter already spooled (or already collected, thanks to a small ledger of
posted keys) and does not post it twice. A provider reached over HTTP instead would implement
the same `post` (see docs/adhesions.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from settings import Settings

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,150}")
LEDGER = ".posted"  # hidden: the provider collects `*.pdf` and ignores dot-files


@dataclass(frozen=True, slots=True)
class PostedLetter:
    key: str  # the file name stem, stable for one letter (process and code generation)
    pdf: bytes
    readable: str  # the text copy the development folder keeps beside the PDF


class LetterOutbox(Protocol):
    def post(self, letter: PostedLetter) -> bool:
        """Hand the letter over; False when this key was posted already (nothing done)."""
        ...


class FolderOutbox:
    def __init__(self, folder: Path, *, readable_copies: bool) -> None:
        self.folder = folder
        self._readable_copies = readable_copies

    @classmethod
    def from_settings(cls, settings: Settings) -> FolderOutbox:
        if settings.letter_outbox_dir is not None:
            return cls(settings.letter_outbox_dir, readable_copies=False)
        return cls(settings.data_dir / "courrier", readable_copies=True)

    def post(self, letter: PostedLetter) -> bool:
        if not _KEY.fullmatch(letter.key):
            raise ValueError("a letter key is a plain file name")
        ledger = self.folder / LEDGER
        ledger.mkdir(parents=True, exist_ok=True)
        marker = ledger / letter.key
        pdf = self.folder / f"{letter.key}.pdf"
        if marker.exists() or pdf.exists():
            return False
        if self._readable_copies:
            # The text first: whoever sees the PDF finds its readable copy beside it.
            write_atomically(self.folder / f"{letter.key}.txt", letter.readable.encode())
        write_atomically(pdf, letter.pdf)
        write_atomically(marker, b"")
        return True


def write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that `path` is either absent or complete, even on a crash."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    # The rename itself must reach the disk, or a crash could bring back the old directory entry.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
