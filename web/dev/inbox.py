"""`/dev/inbox`: the mail the embedded stack's SMTP sink received, newest first.

Mounted only in development when the sink's folder exists, so that a developer can follow the
procedure in a browser without a mail client. Never in production: it shows activation codes.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from web.dev.folders import SHOWN, FolderCopy, folder_page


class ReceivedMail(FolderCopy):
    """The sink's copy of one mail: its headers, a blank line, its body."""

    __slots__ = ()

    @property
    def headers(self) -> str:
        return self.text.partition("\n\n")[0]

    @property
    def body(self) -> str:
        return self.text.partition("\n\n")[2]


def read_inbox(folder: Path, limit: int = SHOWN) -> list[ReceivedMail]:
    """The readable copies (`.txt`) the sink writes beside each `.eml`; names sort by time."""
    paths = sorted(folder.glob("*.txt"), reverse=True)[:limit]
    return [ReceivedMail.read(path) for path in paths]


def inbox_router(folder: Path) -> APIRouter:
    return folder_page("/dev/inbox", "dev/inbox.html", folder, read_inbox)
