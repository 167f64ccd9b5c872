"""The company look-up against a real HTTP server on loopback (uvicorn) that answers in the
public company search API's format — found, not found, slow, failing then recovering, malformed —
and an enrollment that goes through whatever the registry does."""

from __future__ import annotations

import asyncio
import io
import json
import socket
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
from companies.registry import (
    EMBEDDED_DATASET,
    EmbeddedRegistry,
    HttpRegistry,
    RegisteredAddress,
    RegistryUnavailable,
    registry_from_settings,
)
from devstack.mail_sink import MailSink
from domain.subscriber_view import UNKNOWN_COMPANY
from settings import Settings
from tests.live import live_app
from tests.loopback import served
from tests.support import code_from, details, identifiers, unique_email

API = "/api/v1"


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: str = ""
    held: bool = False  # answered only once the test releases the registry


def found(
    siren: str, name: str | None, complete: str | None = None, siege: object = None
) -> Answer:
    result: dict[str, object] = {
        "siren": siren,
        "nom_raison_sociale": name,
        "nom_complet": complete or name,
    }
    if siege is not None:
        result["siege"] = siege
    return Answer(body=json.dumps({"results": [result], "total_results": 1}))


# Head offices as the public company search API spells them (more fields than used).
PARIS_OFFICE = {
    "siret": "73282932000012",
    "adresse": "12 B RUE DE LA PAIX BATIMENT A 75002 PARIS",
    "numero_voie": "12",
    "indice_repetition": "B",
    "type_voie": "RUE",
    "libelle_voie": "DE LA PAIX",
    "complement_adresse": "BATIMENT A",
    "code_postal": "75002",
    "libelle_commune": "PARIS",
    "commune": "75102",
    "cedex": None,
    "libelle_cedex": None,
    "distribution_speciale": None,
    "etat_administratif": "A",
}
CEDEX_OFFICE = {
    "numero_voie": "8",
    "type_voie": "BD",
    "libelle_voie": "DES COMPTES",
    "distribution_speciale": "BP 40213",
    "code_postal": "33000",
    "libelle_commune": "Bordeaux",
    "cedex": "33041",
    "libelle_cedex": "BORDEAUX CEDEX",
}
FOREIGN_OFFICE = {"adresse": "10 DOWNING STREET LONDON", "libelle_pays_etranger": "ROYAUME-UNI"}


# What the registry answers for each SIREN, call after call (the last answer repeats).
SCRIPTS: dict[str, list[Answer]] = {
    "732829320": [found("732829320", "ATELIERS DU RÉSEAU", siege=PARIS_OFFICE)],
    "542097902": [found("542097902", "CENTRE DES COMPTES", siege=CEDEX_OFFICE)],
    "349785013": [found("349785013", "SIÈGE À L'ÉTRANGER", siege=FOREIGN_OFFICE)],
    "123456782": [found("123456782", None, "CABINET NOM COMPLET")],
    "987654324": [Answer(body=json.dumps({"results": [], "total_results": 0}))],
    "555444330": [found("999999999", "UNE AUTRE SOCIÉTÉ")],
    "800123457": [Answer(status=404, body="{}")],
    "111222337": [Answer(status=503), found("111222337", "REPRISE APRÈS PANNE")],
    "404040404": [Answer(status=429), found("404040404", "APRÈS LIMITE")],
    "130025265": [Answer(status=500)],
    "356000000": [Answer(held=True, body=json.dumps({"results": []}))],
    "542051180": [Answer(body='{"results": [')],
    "552100554": [Answer(body='["pas", "un", "objet"]')],
    "775672272": [Answer(body='{"results": "nope"}')],
}


class Registry:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.queries: list[dict[str, str]] = []
        self.base_url = ""
        self.release = asyncio.Event()  # lets the held answers go

    async def search(self, request: Request) -> Response:
        siren = request.query_params.get("q", "")
        self.queries.append(dict(request.query_params))
        self.hits[siren] += 1
        script = SCRIPTS.get(siren, [Answer(body='{"results": []}')])
        answer = script[min(self.hits[siren], len(script)) - 1]
        if answer.held:
            await self.release.wait()
        return Response(answer.body, status_code=answer.status, media_type="application/json")


@asynccontextmanager
async def serving(registry: Registry) -> AsyncIterator[str]:
    app = Starlette(routes=[Route("/search", registry.search)])
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1)
    async with served(config) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def registry() -> AsyncIterator[Registry]:
    """A server per test: its scripts start over and it counts only this test's calls."""
    server = Registry()
    async with serving(server) as base_url:
        server.base_url = base_url
        try:
            yield server
        finally:
            server.release.set()  # a held answer would keep the server from stopping


def client(registry: Registry, timeout: float = 2.0, attempts: int = 2) -> HttpRegistry:
    return HttpRegistry(registry.base_url + "/", timeout, attempts)


async def test_found_in_the_public_format(registry: Registry) -> None:
    assert await client(registry).company_name("732829320") == "ATELIERS DU RÉSEAU"
    assert [query["q"] for query in registry.queries] == ["732829320"]
    # No « nom_raison_sociale » (a sole trader): the full name stands in.
    assert await client(registry).company_name("123456782") == "CABINET NOM COMPLET"
    assert registry.hits == {"732829320": 1, "123456782": 1}


async def test_the_registered_address_comes_with_the_name(registry: Registry) -> None:
    record = await client(registry).company("732829320")
    assert record is not None and record.name == "ATELIERS DU RÉSEAU"
    assert record.address == RegisteredAddress(
        street="12 B RUE DE LA PAIX", postal_code="75002", city="PARIS", complement="BATIMENT A"
    )
    assert record.address.lines() == ["BATIMENT A", "12 B RUE DE LA PAIX", "75002 PARIS"]


async def test_a_cedex_address_is_sorted_on_its_cedex(registry: Registry) -> None:
    record = await client(registry).company("542097902")
    assert record is not None and record.address is not None
    assert record.address.lines() == ["8 BD DES COMPTES", "BP 40213", "33041 BORDEAUX CEDEX"]


async def test_no_usable_address_is_none_and_the_name_stays(registry: Registry) -> None:
    abroad = await client(registry).company("349785013")
    assert abroad is not None and abroad.name == "SIÈGE À L'ÉTRANGER" and abroad.address is None
    no_siege = await client(registry).company("123456782")
    assert no_siege is not None and no_siege.address is None


async def test_a_failing_registry_is_unavailable_not_unknown(registry: Registry) -> None:
    """The name look-up says "unknown"; the company look-up says "try again later"."""
    with pytest.raises(RegistryUnavailable):
        await client(registry, attempts=2).company("130025265")
    assert await client(registry).company("987654324") is None  # an answer: no such company


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
    # The registry holds its answer until the test is over: a client that waited for it would
    # hang (the bound only ends such a test), one that gives up tries again, then says unknown.
    async with asyncio.timeout(20):
        assert await client(registry, timeout=0.1, attempts=2).company_name("356000000") is None
    assert registry.hits == {"356000000": 2}  # both attempts gave up before any answer came


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


async def test_every_embedded_company_has_a_postal_address() -> None:
    sirens = [row["siren"] for row in json.loads(EMBEDDED_DATASET.read_text())["companies"]]
    assert len(sirens) >= 5
    for siren in sirens:
        record = await EmbeddedRegistry().company(siren)
        assert record is not None and record.name and record.address, siren
        assert record.address.lines()[-1][:5].isdigit()
    bordeaux = await EmbeddedRegistry().company("800123457")
    assert bordeaux is not None and bordeaux.address is not None
    assert bordeaux.address.lines()[-1] == "33041 BORDEAUX CEDEX"


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
