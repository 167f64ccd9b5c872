"""`/dev/inbox`: the mail the embedded stack's SMTP sink received, newest first.

Mounted only in development when the sink's folder exists, so that a developer can follow the
procedure in a browser without a mail client. Never in production: it shows activation codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.page import TEMPLATES

SHOWN = 50


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    name: str
    headers: str
    body: str


def read_inbox(folder: Path, limit: int = SHOWN) -> list[ReceivedMail]:
    """The readable copies (`.txt`) the sink writes beside each `.eml`; names sort by time."""
    mails = []
    for path in sorted(folder.glob("*.txt"), reverse=True)[:limit]:
        headers, _, body = path.read_text(encoding="utf-8", errors="replace").partition("\n\n")
        mails.append(ReceivedMail(path.stem, headers, body))
    return mails


def inbox_router(folder: Path) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/dev/inbox")
    async def inbox(request: Request) -> Response:
        return TEMPLATES.TemplateResponse(
            request,
            "inbox.html",
            {"mails": read_inbox(folder), "folder": folder, "errors": {}, "values": {}},
            headers={"Cache-Control": "no-store"},
        )

    return router
