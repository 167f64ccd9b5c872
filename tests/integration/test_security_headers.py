"""Security headers on every response: JSON, problems, HTML; the docs page's own policy."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from http_common.security_headers import SecurityHeaders
from tests.live import LiveApp

# The policy as docs/security.md promises it, written out here rather than imported from the
# code: a change to the code's constant must show up as a failure, not be compared with itself.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def assert_hardened(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/trust-questions", "/nowhere", "/api/v1/me"])
async def test_every_response_is_hardened(app: LiveApp, path: str) -> None:
    response = await app.http.get(path)
    assert_hardened(response)
    assert response.headers["content-security-policy"] == POLICY
    assert "strict-transport-security" not in response.headers  # plain http, not production


async def test_docs_page_allows_only_its_own_script(app: LiveApp) -> None:
    docs = await app.http.get("/docs")
    assert docs.status_code == 200
    assert_hardened(docs)
    policy = docs.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "https://cdn.jsdelivr.net" in policy
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert (await app.http.get("/openapi.json")).status_code == 200


async def test_html_pages_and_https() -> None:
    """Pages of any kind get the headers; HSTS only over https or in production."""
    page = FastAPI()

    @page.get("/page")
    async def html() -> HTMLResponse:
        return HTMLResponse("<p>Bonjour</p>")

    for always_https, base_url, expect_hsts in (
        (False, "http://test", False),
        (False, "https://test", True),
        (True, "http://test", True),
    ):
        transport = httpx.ASGITransport(SecurityHeaders(page, always_https=always_https))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            response = await client.get("/page")
        assert_hardened(response)
        assert ("strict-transport-security" in response.headers) is expect_hsts
        if expect_hsts:
            assert response.headers["strict-transport-security"].startswith("max-age=31536000")
