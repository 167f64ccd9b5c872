"""A backend service's key over HTTP (API.md « Services »): the real API on loopback, the keys
made as the admin command makes them, the database of each kind. One 401 for every bad key,
403 without the scope, the per-client quota shared by two API processes, the metrics by
client ID and never by key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from security.keyed_hash import KeyedHasher
from services.service_clients import IssuedKey, Scope, ServiceClients
from settings import Settings
from storage.engine import make_engine
from storage.service_clients import ServiceClientRepository
from tests.live import LiveApp, LiveFactory, live_app

ENDPOINTS = "/api/v1/webhook-endpoints"


def clients_of(
    settings: Settings, engine: Engine, clock: Callable[[], datetime] | None = None
) -> ServiceClients:
    keyed = KeyedHasher(settings.identifier_hash_key)
    repository = ServiceClientRepository(engine)
    return ServiceClients(repository, keyed, clock) if clock else ServiceClients(repository, keyed)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_invalid_client(answer: httpx.Response) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["code"] == "invalid_client"


async def test_every_bad_key_gets_the_same_401(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    clients = clients_of(settings, engine)
    good = clients.create("Portail", frozenset({Scope.EVENTS}), 600)
    revoked = clients.add_key(good.client_id)
    clients.revoke_key(revoked.key_id)
    # A key that expired yesterday: made two days ago, valid for one.
    two_days_ago = datetime.now(UTC) - timedelta(days=2)
    other = clients.create("Éditeur", frozenset({Scope.EVENTS}), 600)
    expired = clients_of(settings, engine, lambda: two_days_ago).add_key(
        other.client_id, timedelta(days=1)
    )
    disabled = clients.create("Ancien", frozenset({Scope.EVENTS}), 600)
    clients.disable(disabled.client_id)

    refusals = [
        await app.http.get(ENDPOINTS),  # no header
        await app.http.get(ENDPOINTS, headers=bearer("esp_" + "A" * 43)),  # unknown
        await app.http.get(ENDPOINTS, headers=bearer(good.key[:-1])),  # wrong
        await app.http.get(ENDPOINTS, headers=bearer(revoked.key)),
        await app.http.get(ENDPOINTS, headers=bearer(expired.key)),
        await app.http.get(ENDPOINTS, headers=bearer(disabled.key)),
        await app.http.get(ENDPOINTS, headers=bearer(good.key.removeprefix("esp_"))),
        await app.http.get(ENDPOINTS, headers={"Authorization": f"Basic {good.key}"}),
        await app.http.get(ENDPOINTS, headers={"X-Api-Key": good.key}),  # the wrong header
        await app.http.get(ENDPOINTS, headers={"Authorization": "Bearer"}),
    ]
    for answer in refusals:
        assert_invalid_client(answer)
    # One answer for all: nothing tells a revoked key from one that never existed.
    assert len({(a.status_code, a.text) for a in refusals}) == 1
    assert (await app.http.get(ENDPOINTS, headers=bearer(good.key))).status_code == 200
    assert (await app.http.get(ENDPOINTS, headers=bearer(expired.key))).status_code == 401


async def test_a_key_without_the_scope_gets_403(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    enrolling_only = clients_of(settings, engine).create(
        "Portail", frozenset({Scope.ENROLLMENTS}), 600
    )
    answer = await app.http.get(ENDPOINTS, headers=bearer(enrolling_only.key))
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "insufficient_scope"
    assert "events" in answer.json()["detail"]


async def test_two_keys_valid_at_once_for_rotation(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    clients = clients_of(settings, engine)
    first = clients.create("Portail", frozenset({Scope.EVENTS}), 600)
    second = clients.add_key(first.client_id)
    for key in (first.key, second.key):
        assert (await app.http.get(ENDPOINTS, headers=bearer(key))).status_code == 200
    clients.revoke_key(first.key_id)
    assert_invalid_client(await app.http.get(ENDPOINTS, headers=bearer(first.key)))
    assert (await app.http.get(ENDPOINTS, headers=bearer(second.key))).status_code == 200


async def test_the_quota_is_per_client_and_shared_by_api_processes(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    clients = clients_of(settings, engine)
    limited = clients.create("Portail", frozenset({Scope.EVENTS}), 4)
    neighbour = clients.create("Voisin", frozenset({Scope.EVENTS}), 4)
    second_process = settings.model_copy(
        update={"temporal_task_queue": settings.temporal_task_queue + "-2"}
    )
    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with (
            live_app(dev_env.client, settings, engine) as first,
            live_app(dev_env.client, second_process, other_engine) as second,
        ):
            answers = [
                await api.http.get(ENDPOINTS, headers=bearer(limited.key))
                for api in (first, second, first, second, first, second)
            ]
            assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
            refused = answers[-1]
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["code"] == "too_many_attempts"
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            # Another client's quota is its own.
            answer = await second.http.get(ENDPOINTS, headers=bearer(neighbour.key))
            assert answer.status_code == 200
    finally:
        other_engine.dispose()


async def test_calls_are_counted_per_client_id_never_per_key(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    issued: IssuedKey = clients_of(settings, engine).create(
        "Portail", frozenset({Scope.EVENTS}), 600
    )
    for _ in range(3):
        assert (await app.http.get(ENDPOINTS, headers=bearer(issued.key))).status_code == 200
    await app.http.get(ENDPOINTS, headers=bearer(issued.key[:-2] + "zz"))

    text = (await app.http.get("/metrics")).text
    assert issued.key not in text
    assert issued.key[:-2] not in text
    allowed = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "service_client_requests_total"
        and sample.labels == {"client_id": issued.client_id, "outcome": "allowed"}
    ]
    assert allowed == [3.0]
    assert "service_client_keys_refused_total" in text


async def test_the_openapi_document_names_the_service_key(app_with: LiveFactory) -> None:
    async with app_with() as app:
        document = (await app.http.get("/openapi.json")).json()
    assert document["components"]["securitySchemes"]["ServiceKey"]["scheme"] == "bearer"
    operation = document["paths"][ENDPOINTS]["post"]
    assert {"ServiceKey": []} in operation["security"]
    schema = document["components"]["schemas"]["WebhookEndpointIn"]["properties"]
    assert schema["url"]["pattern"] == r"^https?://[^\s/?#]+[^\s]*$"
    assert schema["url"]["minLength"] == 1
    assert schema["event_types"]["minItems"] == 1
