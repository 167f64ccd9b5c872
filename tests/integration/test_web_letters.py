"""The development letters page: mounted in development when letters go to DATA_DIR/courrier/,
never in another environment nor when a provider's spool folder is configured."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from app import create_app
from letters.outbox import FolderOutbox, PostedLetter
from settings import Environment
from tests.support import make_settings


async def _get(data_dir: Path, path: str, **settings: Any) -> httpx.Response:
    app = create_app(make_settings(data_dir, 1025, **settings))
    transport = httpx.ASGITransport(app=app)  # no lifespan: the page needs no service
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get(path)


async def test_letters_are_listed_newest_first_with_their_pdf(tmp_path: Path) -> None:
    outbox = FolderOutbox(tmp_path / "courrier", readable_copies=True)
    outbox.post(PostedLetter("adhesion-aaa-1", b"%PDF-first", readable="Code : AAAAbbbb1111"))
    outbox.post(PostedLetter("adhesion-bbb-1", b"%PDF-second", readable="Code : ZZZZyyyy9999"))
    old = tmp_path / "courrier" / "adhesion-aaa-1.txt"
    os.utime(old, (1_700_000_000, 1_700_000_000))
    page = await _get(tmp_path, "/dev/courrier", app_env=Environment.DEVELOPMENT)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.index("ZZZZyyyy9999") < page.text.index("AAAAbbbb1111")
    assert 'href="/dev/courrier/adhesion-bbb-1.pdf"' in page.text
    pdf = await _get(tmp_path, "/dev/courrier/adhesion-bbb-1.pdf", app_env=Environment.DEVELOPMENT)
    assert pdf.status_code == 200 and pdf.content == b"%PDF-second"
    assert pdf.headers["content-type"] == "application/pdf"
    missing = await _get(tmp_path, "/dev/courrier/nope.pdf", app_env=Environment.DEVELOPMENT)
    assert missing.status_code == 404


async def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    page = await _get(tmp_path, "/dev/courrier", app_env=Environment.DEVELOPMENT)
    assert page.status_code == 200 and "Aucun courrier envoyé" in page.text


async def test_not_mounted_outside_development_or_with_a_spool(tmp_path: Path) -> None:
    (tmp_path / "courrier").mkdir()
    for env in (Environment.TEST, Environment.PRODUCTION):
        assert (await _get(tmp_path, "/dev/courrier", app_env=env)).status_code == 404
    spooled = await _get(
        tmp_path,
        "/dev/courrier",
        app_env=Environment.DEVELOPMENT,
        letter_outbox_dir=tmp_path / "spool",
    )
    assert spooled.status_code == 404
