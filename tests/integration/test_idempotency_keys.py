"""The Idempotency-Key header over HTTP: a retried POST gets its first answer again, another body
under the same key is refused, and nothing that holds a secret is kept for replay."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.live import LiveApp, pre_register, pre_register_and_confirm
from tests.quiet import quiet_enrollment
from tests.support import details, identifiers, unique_email

PASSWORD = "Secret2026"


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_a_retried_step_1_gets_the_first_answer(app: LiveApp) -> None:
    headers = key()
    body = identifiers(unique_email("idem"))
    first = await app.http.post("/api/v1/enrollments", json=body, headers=headers)
    again = await app.http.post("/api/v1/enrollments", json=body, headers=headers)

    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers


async def test_the_same_key_with_another_body_is_refused(app: LiveApp) -> None:
    headers = key()
    first = await app.http.post(
        "/api/v1/enrollments", json=identifiers(unique_email("idem")), headers=headers
    )
    other = await app.http.post(
        "/api/v1/enrollments", json=identifiers(unique_email("idem")), headers=headers
    )

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"


async def test_keys_are_scoped_to_their_client(app: LiveApp) -> None:
    # The same key from another client (another bearer token) is another request.
    headers = key()
    body = identifiers(unique_email("idem"))
    first = await app.http.post("/api/v1/enrollments", json=body, headers=headers)
    other_client = await app.http.post(
        "/api/v1/enrollments",
        json=identifiers(unique_email("idem")),
        headers=headers | {"Authorization": "Bearer someone-else"},
    )
    assert first.status_code == 201
    assert other_client.status_code == 201
    assert other_client.json()["enrollment_id"] != first.json()["enrollment_id"]


async def test_racing_requests_with_one_key_have_one_effect(
    app: LiveApp, mail_sink: MailSink, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    email = unique_email("idem")
    enrollment_id = await pre_register(app.http, email, PASSWORD, details())
    headers = key()

    answers = await asyncio.gather(
        *(
            app.http.post(f"/api/v1/enrollments/{enrollment_id}/confirm", headers=headers)
            for _ in range(4)
        )
    )

    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {202, 409}, [a.text for a in answers]
    assert 202 in statuses
    deadlines = {a.json()["activation_deadline"] for a in answers if a.status_code == 202}
    assert len(deadlines) == 1
    await mail_sink.message_to(email)
    await quiet_enrollment(dev_env.client, settings, email)  # a second send would show by now
    assert mail_sink.count_to(email) == 1


async def test_an_answer_holding_a_session_token_is_never_kept(
    app: LiveApp, mail_sink: MailSink
) -> None:
    email = unique_email("idem")
    _, code = await pre_register_and_confirm(app.http, mail_sink, email, PASSWORD, details())
    headers = key()
    body = {"email": email, "code": code}

    first = await app.http.post("/api/v1/activations", json=body, headers=headers)
    again = await app.http.post("/api/v1/activations", json=body, headers=headers)

    assert first.status_code == 201, first.text
    assert again.status_code == 409
    assert again.json()["code"] == "idempotent_answer_not_kept"
    assert first.json()["access_token"] not in again.text
