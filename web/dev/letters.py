"""`/dev/courrier`: the letters the development print-and-post folder holds, newest first.

Mounted only in development, when letters go to `DATA_DIR/courrier/` rather than to a
provider's spool, so that a developer can read the code « received by post ». Never in
production: it shows activation codes.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.responses import FileResponse, Response

from web.dev.folders import SHOWN, FolderCopy, folder_page

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,150}")


class PostedCopy(FolderCopy):
    """The copy beside one letter, and whether its printed PDF is there too."""

    __slots__ = ()

    @property
    def has_pdf(self) -> bool:
        return self.path.with_suffix(".pdf").is_file()


def read_letters(folder: Path, limit: int = SHOWN) -> list[PostedCopy]:
    """The readable copies (`.txt`) beside each letter, newest first."""
    if not folder.is_dir():
        return []
    copies = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    return [PostedCopy.read(path) for path in copies[:limit]]


def letters_router(folder: Path) -> APIRouter:
    router = folder_page("/dev/courrier", "dev/letters.html", folder, read_letters)

    @router.get("/dev/courrier/{name}.pdf")
    async def letter_pdf(name: str) -> Response:
        path = folder / f"{name}.pdf"
        if not _NAME.fullmatch(name) or not path.is_file():
            raise HTTPException(status_code=404)
        return FileResponse(
            path,
            media_type="application/pdf",
            headers={"Cache-Control": "no-store", "Content-Disposition": "inline"},
        )

    return router
