"""No personal datum or secret in the logs of a whole enrollment over HTTP (API, services,
worker, Temporal SDK, uvicorn: everything in this process)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from observability.logs import JsonFormatter
from settings import Settings
from tests.live import live_app, pre_register_and_confirm
from tests.privacy import variants
from tests.support import details, distinctive, unique_email

PROJECT_LOGGERS = (
    "api", "services", "activities", "workflows", "worker", "mail", "orchestration",
    "storage", "security", "companies", "documents", "devstack", "temporalio",
)  # fmt: skip


async def test_enrollment_logs_hold_no_personal_data(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    mail_sink: MailSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email = unique_email(distinctive("log"))
    password = "Lg" + distinctive("p", 8)[:8] + "77"
    last_name, first_name = distinctive("Nom"), distinctive("Prenom")
    answer = distinctive("Réponse ")
    body = details(last_name=last_name, first_name=first_name)
    body["trust"]["answer"] = answer
    # The level the app runs at; DEBUG for the project's own code and the Temporal SDK
    # (everything at DEBUG would include font subsetting's chatter, and take seconds).
    caplog.set_level(logging.INFO)
    for name in PROJECT_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)

    async with live_app(dev_env.client, settings, engine) as app:
        _, code = await pre_register_and_confirm(app.http, mail_sink, email, password, body)
        activated = await app.http.post("/api/v1/activations", json={"email": email, "code": code})
        assert activated.status_code == 201
        token = activated.json()["access_token"]
        signed = await app.http.post(
            "/api/v1/sessions", json={"email": email, "password": password}
        )
        assert signed.status_code == 201

    formatter = JsonFormatter()
    logged = "\n".join(
        f"{formatter.format(record)} {record.args!r} {record.__dict__!r}"
        for record in caplog.records
    )
    assert "enrollment started" in logged  # the capture saw the app's own records
    secrets = [
        email,
        email.split("@")[0],
        password,
        last_name,
        first_name,
        answer,
        "+33123456789",
        "732829320",
        "732 829 320",
        code,
        token,
        settings.codec_auth_token.get_secret_value(),
    ]
    found = [s for s in secrets if any(form in logged for form in variants(s))]
    assert found == []
