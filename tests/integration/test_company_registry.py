"""The company look-up against a real HTTP server on loopback (uvicorn) that answers in the
public company search API's format — found, not found, slow, failing then recovering, malformed —
and an enrollment that goes through whatever the registry does."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
import uvicorn
from pypdf import PdfReader
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from temporalio.testing import WorkflowEnvironment

from activities.company import CompanyActivities
from activities.inputs import LookupCompany
from companies.registry import EmbeddedRegistry, HttpRegistry, registry_from_settings
from devstack.mail_sink import MailSink
from domain.subscriber_view import UNKNOWN_COMPANY
from settings import Settings
from tests.live import live_app
from tests.support import code_from, details, identifiers, unique_email

API = "/api/v1"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: str = ""
    delay: float = 0.0


def found(siren: str, name: str | None, complete: str | None = None) -> Answer:
    result = {"siren": siren, "nom_raison_sociale": name, "nom_complet": complete or name}
    return Answer(body=json.dumps({"results": [result], "total_results": 1}))


SLOW = 1.0  # seconds the slow answers take; the client under test waits far less
# What the registry answers for each SIREN, call after call (the last answer repeats).
SCRIPTS: dict[str, list[Answer]] = {
    "732829320": [found("732829320", "ATELIERS DU RÉSEAU")],
    "123456782": [found("123456782", None, "CABINET NOM COMPLET")],
    "987654324": [Answer(body=json.dumps({"results": [], "total_results": 0}))],
    "555444330": [found("999999999", "UNE AUTRE SOCIÉTÉ")],
    "800123457": [Answer(status=404, body="{}")],
    "111222337": [Answer(status=503), found("111222337", "REPRISE APRÈS PANNE")],
    "404040404": [Answer(status=429), found("404040404", "APRÈS LIMITE")],
    "130025265": [Answer(status=500)],
    "356000000": [Answer(delay=SLOW, body=json.dumps({"results": []}))],
    "542051180": [Answer(body='{"results": [')],
    "552100554": [Answer(body='["pas", "un", "objet"]')],
    "775672272": [Answer(body='{"results": "nope"}')],
}


class Registry:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.queries: list[dict[str, str]] = []
        self.base_url = ""

    async def search(self, request: Request) -> Response:
        siren = request.query_params.get("q", "")
        self.queries.append(dict(request.query_params))
        self.hits[siren] += 1
        script = SCRIPTS.get(siren, [Answer(body='{"results": []}')])
        answer = script[min(self.hits[siren], len(script)) - 1]
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return Response(answer.body, status_code=answer.status, media_type="application/json")


@asynccontextmanager
async def serving(registry: Registry) -> AsyncIterator[str]:
    app = Starlette(routes=[Route("/search", registry.search)])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def registry() -> AsyncIterator[Registry]:
    """A server per test: its scripts start over and it counts only this test's calls."""
    server = Registry()
    async with serving(server) as base_url:
        server.base_url = base_url
        yield server


def client(registry: Registry, timeout: float = 2.0, attempts: int = 2) -> HttpRegistry:
    return HttpRegistry(registry.base_url + "/", timeout, attempts)


async def test_found_in_the_public_format(registry: Registry) -> None:
    assert await client(registry).company_name("732829320") == "ATELIERS DU RÉSEAU"
    assert [query["q"] for query in registry.queries] == ["732829320"]
    # No « nom_raison_sociale » (a sole trader): the full name stands in.
    assert await client(registry).company_name("123456782") == "CABINET NOM COMPLET"
    assert registry.hits == {"732829320": 1, "123456782": 1}


@pytest.mark.parametrize("siren", ["987654324", "555444330", "800123457"])
async def test_not_found_is_unknown(registry: Registry, siren: str) -> None:
    assert await client(registry).company_name(siren) is None
    assert registry.hits == {siren: 1}  # an answer is final: no retry


async def test_5xx_then_success_is_retried(registry: Registry) -> None:
    assert await client(registry).company_name("111222337") == "REPRISE APRÈS PANNE"
    assert registry.hits["111222337"] == 2
    assert await client(registry).company_name("404040404") == "APRÈS LIMITE"
    assert registry.hits["404040404"] == 2


async def test_5xx_every_time_gives_up_after_the_configured_attempts(registry: Registry) -> None:
    assert await client(registry, attempts=3).company_name("130025265") is None
    assert registry.hits == {"130025265": 3}


async def test_a_server_slower_than_the_timeout_is_unknown(registry: Registry) -> None:
    started = time.monotonic()
    assert await client(registry, timeout=0.1, attempts=2).company_name("356000000") is None
    assert time.monotonic() - started < SLOW  # both attempts gave up before one answer came
    assert registry.hits == {"356000000": 2}


@pytest.mark.parametrize("siren", ["542051180", "552100554", "775672272"])
async def test_malformed_answers_are_unknown(registry: Registry, siren: str) -> None:
    assert await client(registry).company_name(siren) is None
    assert registry.hits == {siren: 1}  # a malformed answer is final too


async def test_an_unreachable_registry_is_unknown() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # a port nobody listens on
    port = sock.getsockname()[1]
    sock.close()
    assert await HttpRegistry(f"http://127.0.0.1:{port}", 0.5).company_name("732829320") is None


async def test_the_activity_never_fails(registry: Registry) -> None:
    activities = CompanyActivities(client(registry, timeout=0.1))
    slow = await activities.lookup_company(LookupCompany(identifier="356000000", foreign=False))
    assert slow.name is None
    good = await activities.lookup_company(LookupCompany(identifier="732829320", foreign=False))
    assert good.name == "ATELIERS DU RÉSEAU"
    foreign = await activities.lookup_company(LookupCompany(identifier="DE136695976", foreign=True))
    assert foreign.name is None
    assert registry.hits == {"356000000": 2, "732829320": 1}  # French registry only


async def test_the_settings_choose_the_registry(settings: Settings, registry: Registry) -> None:
    assert isinstance(registry_from_settings(settings), EmbeddedRegistry)
    configured = settings.model_copy(
        update={"company_registry_url": registry.base_url, "company_registry_attempts": 3}
    )
    http = registry_from_settings(configured)
    assert isinstance(http, HttpRegistry)
    assert await http.company_name("732829320") == "ATELIERS DU RÉSEAU"
    assert registry.hits == {"732829320": 1}
    assert await EmbeddedRegistry().company_name("732829320") == "ATELIERS FICTIFS DE LA PAIX"
    assert await EmbeddedRegistry().company_name("130025265") is None


async def test_a_failed_look_up_never_blocks_the_enrollment(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    mail_sink: MailSink,
    registry: Registry,
) -> None:
    failing = settings.model_copy(
        update={
            "company_registry_url": registry.base_url,
            "company_registry_timeout": timedelta(seconds=0.1),
        }
    )
    email = unique_email()
    async with live_app(dev_env.client, failing, engine) as app:
        http = app.http
        created = await http.post(f"{API}/enrollments", json=identifiers(email))
        enrollment_id = created.json()["enrollment_id"]
        for siren in ("130025265", "356000000"):  # always 5xx, then too slow
            body = details(company={"foreign": False, "identifier": siren})
            recap = await http.put(f"{API}/enrollments/{enrollment_id}/details", json=body)
            assert recap.status_code == 200, recap.text
            assert recap.json()["company"]["name"] is None
        assert (await http.post(f"{API}/enrollments/{enrollment_id}/confirm")).status_code == 202
        code = code_from(await mail_sink.message_to(email))
        activated = await http.post(f"{API}/activations", json={"email": email, "code": code})
        assert activated.status_code == 201, activated.text
        token = {"Authorization": f"Bearer {activated.json()['access_token']}"}
        assert (await http.get(f"{API}/me", headers=token)).json()["company"]["name"] is None
        pdf = await http.get(f"{API}/me/recap.pdf", headers=token)
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert UNKNOWN_COMPANY in text and "356 000 000" in text
    # The configured registry was asked (and failed), not the embedded dataset.
    assert set(registry.hits) == {"130025265", "356000000"}
