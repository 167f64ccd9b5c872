"""No personal datum or code in the logs of a whole adhésion over HTTP (API, services, worker,
letter channel, Temporal SDK, uvicorn: everything in this process)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from observability.logs import JsonFormatter
from settings import Settings
from tests.letters import PASSWORD, code_in, letter, letter_folder, new_subscriber
from tests.live import live_app
from tests.privacy import variants
from tests.support import distinctive

PROJECT_LOGGERS = (
    "api", "services", "activities", "workflows", "worker", "channels", "letters", "documents",
    "orchestration", "storage", "security", "companies", "temporalio",
)  # fmt: skip
API = "/api/v1/me/adhesions"


async def test_adhesion_logs_hold_no_personal_data(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    for name in PROJECT_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    subscriber = new_subscriber(engine, settings, last_name=distinctive("Nom"))
    folder = letter_folder(settings)

    async with live_app(dev_env.client, settings, engine) as app:
        session = await app.http.post(
            "/api/v1/sessions", json={"email": subscriber.email, "password": PASSWORD}
        )
        auth = {"Authorization": f"Bearer {session.json()['access_token']}"}
        created = await app.http.post(API, json={"company_identifier": "555 444 330"}, headers=auth)
        assert created.status_code == 202, created.text
        adhesion_id = created.json()["adhesion_id"]
        first = code_in(await letter(folder, adhesion_id))
        wrong = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": first[::-1]}, headers=auth
        )
        assert wrong.status_code == 422
        assert (await app.http.post(f"{API}/{adhesion_id}/resend", headers=auth)).status_code == 202
        second = code_in(await letter(folder, adhesion_id, 2))
        done = await app.http.post(
            f"{API}/{adhesion_id}/activate", json={"code": second}, headers=auth
        )
        assert done.status_code == 200, done.text
        assert (await app.http.delete(f"{API}/{adhesion_id}", headers=auth)).status_code == 204

    formatter = JsonFormatter()
    logged = "\n".join(
        f"{formatter.format(record)} {record.args!r} {record.__dict__!r}"
        for record in caplog.records
    )
    assert "adhesion requested" in logged and "adhesion revoked" in logged  # it saw the app
    secrets = [
        subscriber.email,
        subscriber.last_name,
        "555444330",
        "555 444 330",
        "BOULANGERIE DE DÉMONSTRATION",
        "27 PL DU MARCHE",
        first,
        first[::-1],
        second,
        session.json()["access_token"],
    ]
    found = [s for s in secrets if any(form in logged for form in variants(s))]
    assert found == []
