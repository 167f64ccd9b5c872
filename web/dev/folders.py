"""Development pages that show what a folder holds, newest first (web.dev.inbox, web.dev.letters).

Mounted only in development; never in production: they show codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.page import bare_page

SHOWN = 50


@dataclass(frozen=True, slots=True)
class FolderCopy:
    """The readable copy (`.txt`) of one item of the folder."""

    path: Path
    text: str

    @classmethod
    def read(cls, path: Path) -> Self:
        return cls(path, path.read_text(encoding="utf-8", errors="replace"))

    @property
    def name(self) -> str:
        return self.path.stem


def folder_page(
    path: str, template: str, folder: Path, read: Callable[[Path], Sequence[FolderCopy]]
) -> APIRouter:
    """The page at `path`, showing what `read` finds in `folder` (as `items`)."""
    router = APIRouter(include_in_schema=False)

    @router.get(path)
    async def listing(request: Request) -> Response:
        return bare_page(request, template, items=read(folder), folder=folder)

    return router
