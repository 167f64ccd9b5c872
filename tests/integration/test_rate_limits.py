"""Brute force and enumeration over HTTP: the code is void after five wrong tries, attempts are
limited per identifier and per client address (429 + Retry-After, counted in the database so
that several API processes count together), and refusals never tell who is enrolled."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from storage.engine import make_engine
from tests.live import LiveApp, LiveFactory, live_app, pre_register_and_confirm
from tests.support import code_from, details, fresh_hash_key, identifiers, unique_email


def wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


def comparable(response: httpx.Response) -> tuple[int, str, Any]:
    return response.status_code, response.headers["content-type"], response.json()


def assert_too_many(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "too_many_attempts"
    assert int(response.headers["retry-after"]) >= 1


async def test_sixth_code_is_refused_even_when_right(app: LiveApp, mail_sink: MailSink) -> None:
    email = unique_email()
    _, code = await pre_register_and_confirm(app.http, mail_sink, email, "Abcd1234", details())
    unknown = await app.http.post(
        "/api/v1/activations", json={"email": unique_email(), "code": wrong(code)}
    )
    for _ in range(5):
        refused = await app.http.post(
            "/api/v1/activations", json={"email": email, "code": wrong(code)}
        )
        # A wrong code and an unknown identifier get the very same answer.
        assert comparable(refused) == comparable(unknown)
        assert refused.json()["code"] == "invalid_code"

    sixth = await app.http.post("/api/v1/activations", json={"email": email, "code": code})

    assert_too_many(sixth)


async def test_activation_attempts_are_limited_per_identifier(app_with: LiveFactory) -> None:
    async with app_with(activation_attempts_per_identifier=3) as app:
        email = unique_email()  # no enrollment: the limit counts regardless
        answers = [
            await app.http.post(
                "/api/v1/activations", json={"email": email, "code": "abcdefABCDEF"}
            )
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [422, 422, 422, 429]
        assert_too_many(answers[-1])
        # Case and spaces do not make a new identifier.
        again = await app.http.post(
            "/api/v1/activations", json={"email": f" {email.upper()} ", "code": "abcdefABCDEF"}
        )
        assert_too_many(again)
        # Another identifier from the same address is not blocked by that one.
        other = await app.http.post(
            "/api/v1/activations", json={"email": unique_email(), "code": "abcdefABCDEF"}
        )
        assert other.status_code == 422


async def test_activation_attempts_are_limited_per_address(app_with: LiveFactory) -> None:
    async with app_with(
        activation_attempts_per_address=3, identifier_hash_key=fresh_hash_key()
    ) as app:
        answers = [
            await app.http.post(
                "/api/v1/activations", json={"email": unique_email(), "code": "abcdefABCDEF"}
            )
            for _ in range(4)
        ]
        assert [a.status_code for a in answers] == [422, 422, 422, 429]
        assert_too_many(answers[-1])


async def test_resend_is_always_accepted_and_limited(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    async with app_with(resends_per_identifier=2) as app:
        pending, stranger = unique_email(), unique_email()
        _, first_code = await pre_register_and_confirm(
            app.http, mail_sink, pending, "Abcd1234", details()
        )
        for email in (pending, stranger, "not an e-mail"):
            answer = await app.http.post("/api/v1/activations/resend", json={"email": email})
            assert answer.status_code == 202 and answer.json() == {}
        # A new code went out to the pending identifier, and nothing to the unknown one.
        assert code_from(await mail_sink.message_to(pending, 2)) != first_code
        assert mail_sink.count_to(stranger) == 0
        unknown = unique_email()
        statuses = [
            (await app.http.post("/api/v1/activations/resend", json={"email": e})).status_code
            for e in (pending, pending, unknown, unknown)
        ]
        assert statuses == [202, 429, 202, 202]
        assert_too_many(await app.http.post("/api/v1/activations/resend", json={"email": unknown}))


async def test_limits_hold_across_api_processes(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    """Two API instances, each with its own engine on the same database, count together."""
    limited = settings.model_copy(update={"activation_attempts_per_identifier": 2})
    # (one worker per task queue in a process: the second instance gets a queue of its own)
    second_process = limited.model_copy(
        update={"temporal_task_queue": limited.temporal_task_queue + "-2"}
    )
    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    email = unique_email()
    body = {"email": email, "code": "abcdefABCDEF"}
    try:
        async with (
            live_app(dev_env.client, limited, engine) as first,
            live_app(dev_env.client, second_process, other_engine) as second,
        ):
            assert (await first.http.post("/api/v1/activations", json=body)).status_code == 422
            assert (await second.http.post("/api/v1/activations", json=body)).status_code == 422
            assert_too_many(await first.http.post("/api/v1/activations", json=body))
            assert_too_many(await second.http.post("/api/v1/activations", json=body))
    finally:
        other_engine.dispose()


async def test_enrollment_starts_are_limited_per_address(app_with: LiveFactory) -> None:
    # Each step 1 costs an argon2id hash: a client cannot spend the API's CPU without end.
    async with app_with(enrollments_per_address=2, identifier_hash_key=fresh_hash_key()) as app:
        answers = [
            await app.http.post(
                "/api/v1/enrollments",
                json=identifiers(unique_email("start")),
            )
            for _ in range(3)
        ]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    assert_too_many(answers[2])


async def test_code_emails_are_limited_per_recipient(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    # However many enrollments ask for it, one address gets a few code e-mails an hour: the
    # confirmation and each resend count, and nothing more is sent once the limit is reached.
    async with app_with(code_emails_per_recipient=2, identifier_hash_key=fresh_hash_key()) as app:
        email = unique_email("bombed")
        await pre_register_and_confirm(app.http, mail_sink, email, "Abcd1234", details())
        resent = await app.http.post("/api/v1/activations/resend", json={"email": email})
        assert resent.status_code == 202
        await mail_sink.message_to(email, 2)
        refused = await app.http.post("/api/v1/activations/resend", json={"email": email})
    assert_too_many(refused)
    assert mail_sink.count_to(email) == 2


async def test_confirms_are_limited_per_address(app_with: LiveFactory, mail_sink: MailSink) -> None:
    async with app_with(confirms_per_address=1, identifier_hash_key=fresh_hash_key()) as app:
        await pre_register_and_confirm(app.http, mail_sink, unique_email(), "Abcd1234", details())
        email = unique_email()
        created = await app.http.post("/api/v1/enrollments", json=identifiers(email))
        enrollment_id = created.json()["enrollment_id"]
        put = await app.http.put(f"/api/v1/enrollments/{enrollment_id}/details", json=details())
        assert put.status_code == 200, put.text
        refused = await app.http.post(f"/api/v1/enrollments/{enrollment_id}/confirm")
    assert_too_many(refused)
    assert mail_sink.count_to(email) == 0
