"""The database down and back: every answer in between is 503 + Retry-After (problem+json for
the API, a French page for the browser), never a bare 500; once it is back, everything works."""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from chaos.parts import Postgres
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.live import LiveApp, live_app
from tests.support import identifiers, unique_email

PASSWORD = "Secret2026"


@pytest.fixture
async def private_postgres() -> AsyncIterator[Postgres]:
    """A PostgreSQL cluster of this test's own: stopping it never touches the shared server.

    Its folder sits directly under the system's temporary folder: pytest's own is private to
    root, and the server runs as the `postgres` user."""
    with tempfile.TemporaryDirectory(prefix="outage-") as folder:
        postgres = Postgres.available(Path(folder) / "pg")
        if postgres is None:
            pytest.fail("PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin)")
        await postgres.init()
        try:
            yield postgres
        finally:
            await postgres.stop()


@pytest.fixture
async def app(
    dev_env: WorkflowEnvironment, settings: Settings, private_postgres: Postgres
) -> AsyncIterator[LiveApp]:
    upgrade(private_postgres.url)
    engine = make_engine(private_postgres.url)
    settings = settings.model_copy(update={"database_url": private_postgres.url})
    try:
        async with live_app(dev_env.client, settings, engine) as live:
            yield live
    finally:
        engine.dispose()


async def test_database_down_answers_503_then_recovers(
    app: LiveApp, private_postgres: Postgres
) -> None:
    # The sign-in form's CSRF token, read while the database is up: the form post below then
    # reaches the database, and the page it gets is the outage's.
    home = await app.http.get("/")
    assert home.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert token is not None
    # The cookie is `Secure` outside development: httpx keeps it to itself over plain HTTP.
    cookie = home.headers["set-cookie"].split(";")[0]

    await private_postgres.crash()

    started = await app.http.post(
        "/api/v1/enrollments", json=identifiers(unique_email("outage"), PASSWORD)
    )
    assert started.status_code == 503, started.text
    assert started.headers["content-type"].startswith("application/problem+json")
    assert int(started.headers["retry-after"]) > 0
    assert started.json()["code"] == "unavailable"
    assert "Traceback" not in started.text and "psycopg" not in started.text

    signed_in = await app.http.post(
        "/api/v1/sessions", json={"email": unique_email("outage"), "password": PASSWORD}
    )
    assert signed_in.status_code == 503, signed_in.text

    page = await app.http.post(
        "/connexion",
        data={"csrf_token": token[1], "email": "x@exemple.fr", "password": PASSWORD},
        headers={"accept": "text/html", "cookie": cookie},
    )
    assert page.status_code == 503, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) > 0
    assert "<h1>Service momentanément indisponible</h1>" in page.text
    # French typography: a no-break space before the colon.
    assert "Le service est momentanément indisponible\u00a0: réessayez" in page.text
    assert "Rien n&#39;a été enregistré." in page.text  # the apostrophe HTML-escaped
    assert "Traceback" not in page.text and "psycopg" not in page.text

    ready = await app.http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] != "ok"
    assert ready.json()["checks"]["temporal"] == "ok"

    await private_postgres.start()

    email = unique_email("outage")
    started = await app.http.post("/api/v1/enrollments", json=identifiers(email, PASSWORD))
    assert started.status_code == 201, started.text
    assert (await app.http.get("/readyz")).json()["checks"]["database"] == "ok"
