"""The development inbox: mounted in development when the sink's folder exists, never otherwise."""

from __future__ import annotations

from pathlib import Path

import httpx

from app import create_app
from settings import Environment
from tests.support import make_settings

TERMS = Path(__file__).resolve().parents[2] / "web" / "templates" / "terms"


async def _get(app_env: Environment, data_dir: Path, path: str) -> httpx.Response:
    app = create_app(make_settings(data_dir, 1025, app_env=app_env))
    transport = httpx.ASGITransport(app=app)  # no lifespan: the inbox needs no service
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get(path)


async def test_inbox_lists_the_mail_newest_first(tmp_path: Path) -> None:
    mail = tmp_path / "mail"
    mail.mkdir()
    for stamp, code in (("20260101T100000000000", "AAAAbbbb1111"), ("20260101T110000", "Z9")):
        (mail / f"{stamp}.eml").write_bytes(b"raw")
        (mail / f"{stamp}.txt").write_text(
            f"To: lila@exemple.fr\nSubject: Code\n\nVotre code : {code}\n", encoding="utf-8"
        )
    page = await _get(Environment.DEVELOPMENT, tmp_path, "/dev/inbox")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Z9" in page.text and "AAAAbbbb1111" in page.text
    assert page.text.index("Z9") < page.text.index("AAAAbbbb1111")
    assert "To: lila@exemple.fr" in page.text


async def test_inbox_is_not_mounted_outside_development(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    for env in (Environment.TEST, Environment.PRODUCTION):
        assert (await _get(env, tmp_path, "/dev/inbox")).status_code == 404


async def test_inbox_needs_the_sink_folder(tmp_path: Path) -> None:
    assert (await _get(Environment.DEVELOPMENT, tmp_path, "/dev/inbox")).status_code == 404


async def test_terms_text_exists_for_the_configured_version() -> None:
    settings = make_settings(Path("data"), 1025)
    terms = TERMS
    assert (terms / f"{settings.terms_version}.html").is_file()
