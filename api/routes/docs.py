"""The OpenAPI docs page (Swagger UI), with a Content-Security-Policy of its own.

Swagger UI comes from a CDN and starts with one inline script: this page's policy allows that
CDN and that exact script (by its hash), and nothing more; every other page keeps the strict one.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

CDN = "https://cdn.jsdelivr.net"
FAVICON_HOST = "https://fastapi.tiangolo.com"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    page = _page(request.app.openapi_url or "/openapi.json", request.app.title)
    return HTMLResponse(page, headers={"Content-Security-Policy": docs_policy(page)})


@cache
def _page(openapi_url: str, title: str) -> str:
    return bytes(
        get_swagger_ui_html(openapi_url=openapi_url, title=f"{title} - Swagger UI").body
    ).decode()


def docs_policy(page: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'self'; script-src 'self' {CDN} {hashes}; style-src 'self' {CDN}; "
        f"img-src 'self' data: {FAVICON_HOST}; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    )
