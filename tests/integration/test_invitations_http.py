"""Every answer of API.md « Services » for invitations over HTTP: the real API (uvicorn), a real
worker, the Temporal dev server, the real database and SMTP sink, and service keys made by the
admin command (`python -m admin clients create`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine

from devstack.mail_sink import MailSink
from settings import SecondFactor, Settings
from tests.integration.problems import fields, problem
from tests.invitations import (
    PERSON_PASSWORD,
    acceptance_body,
    admin_key,
    invitation_body,
    invitation_code,
)
from tests.live import LiveApp, LiveFactory, pre_register
from tests.support import details, fresh_hash_key, identifiers, unique_email
from tests.workflow_env import wrong_code

API = "/api/v1/invitations"


async def _invite(app: LiveApp, key: dict[str, str], email: str, reference: str) -> Any:
    created = await app.http.post(API, json=invitation_body(email, reference), headers=key)
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_service_invites_and_the_person_accepts(
    app: LiveApp, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    key = await admin_key(settings, engine, "Portail partenaire", "enrollments")
    email = unique_email("invite")
    before = datetime.now(UTC)
    created = await app.http.post(API, json=invitation_body(email, "crm-42"), headers=key)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["external_reference"] == "crm-42" and body["status"] == "invited"
    assert body["email"] == email
    assert created.headers["location"] == f"{API}/{body['invitation_id']}"
    expires = datetime.fromisoformat(body["expires_at"])
    assert before + timedelta(hours=48) <= expires <= datetime.now(UTC) + timedelta(hours=48)
    assert "password" not in created.text and "trust" not in created.text

    again = await app.http.post(API, json=invitation_body(email, "crm-42"), headers=key)
    assert again.status_code == 200 and again.json()["invitation_id"] == body["invitation_id"]
    read = await app.http.get(created.headers["location"], headers=key)
    assert read.status_code == 200
    assert read.json() == {
        "invitation_id": body["invitation_id"],
        "external_reference": "crm-42",
        "status": "invited",
        "expires_at": body["expires_at"],
        "activated_at": None,
        "subscriber_number": None,
    }
    listed = await app.http.get(API, params={"external_reference": "crm-42"}, headers=key)
    assert [i["invitation_id"] for i in listed.json()] == [body["invitation_id"]]

    code = await invitation_code(mail_sink, email)
    accepted = await app.http.post(
        f"{API}/accept", json={"email": email, "code": code, **acceptance_body()}
    )
    assert accepted.status_code == 201, accepted.text
    space = accepted.json()
    assert space["email"] == email and space["recap_pdf_url"] == "/api/v1/me/recap.pdf"
    me = await app.http.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {space['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["last_name"] == "Rosemonde"
    signed_in = await app.http.post(
        "/api/v1/sessions", json={"email": email, "password": PERSON_PASSWORD}
    )
    assert signed_in.status_code == 201

    done = await _eventually(app, created.headers["location"], key, "activated")
    assert done["subscriber_number"] == space["subscriber_number"]
    assert done["activated_at"] is not None
    closed = await app.http.delete(created.headers["location"], headers=key)
    problem(closed, 409, "invitation_closed")


async def _eventually(app: LiveApp, url: str, key: dict[str, str], status: str) -> Any:
    """The invitation once it reads `status` (the workflow records its end just after)."""
    async with asyncio.timeout(20):
        while True:
            read = await app.http.get(url, headers=key)
            assert read.status_code == 200, read.text
            if read.json()["status"] == status:
                return read.json()
            await asyncio.sleep(0.1)


async def test_every_invalid_field_at_once_and_nothing_made(
    app: LiveApp, settings: Settings, engine: Engine
) -> None:
    key = await admin_key(settings, engine, "Portail", "enrollments")
    body = invitation_body(
        "pas-une-adresse",
        "crm 43 !",
        civility="docteur",
        last_name="R2D2",
        first_name="",
        company={"foreign": False, "identifier": "123 456 789"},
        contact={**details()["contact"], "phone": "12", "postal_code": "7500", "city": ""},
        password="Abcd1234",  # a service never sends one: ignored, never echoed
    )
    refused = await app.http.post(API, json=body, headers=key)

    assert fields(refused) == {
        "external_reference": "invalid_reference",
        "email": "invalid_email",
        "civility": "invalid_civility",
        "last_name": "invalid_name",
        "first_name": "required",
        "company.identifier": "invalid_siren",
        "contact.phone": "invalid_phone",
        "contact.postal_code": "invalid_postal_code",
        "contact.city": "required",
    }
    assert "Abcd1234" not in refused.text
    listed = await app.http.get(API, params={"external_reference": "crm 43 !"}, headers=key)
    assert listed.status_code == 200 and listed.json() == []


async def test_keys_scopes_and_other_clients(
    app: LiveApp, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    key = await admin_key(settings, engine, "Portail", "enrollments")
    events_only = await admin_key(settings, engine, "Webhooks seulement", "events")
    other = await admin_key(settings, engine, "Autre service", "enrollments,events")
    email = unique_email("invite")
    body = invitation_body(email, "crm-1")

    problem(await app.http.post(API, json=body), 401, "invalid_client")
    raw_key = key["Authorization"].removeprefix("Bearer ")
    for headers in (
        {"Authorization": f"Basic {raw_key}"},
        {"X-Api-Key": raw_key},
        {"Authorization": "Bearer esp_" + "A" * 43},
    ):
        problem(await app.http.post(API, json=body, headers=headers), 401, "invalid_client")
    problem(await app.http.post(API, json=body, headers=events_only), 403, "insufficient_scope")
    # Without the scope, reading is refused as well.
    problem(await app.http.get(f"{API}/{'0' * 32}", headers=events_only), 403)

    made = await _invite(app, key, email, "crm-1")
    url = f"{API}/{made['invitation_id']}"
    problem(await app.http.get(url, headers=other), 404)
    problem(await app.http.delete(url, headers=other), 404)
    assert (
        await app.http.get(API, params={"external_reference": "crm-1"}, headers=other)
    ).json() == []
    problem(await app.http.get(f"{API}/inconnue", headers=key), 404)
    not_allowed = await app.http.get(f"{API}/accept", headers=key)
    problem(not_allowed, 405, "method_not_allowed")
    assert not_allowed.headers["allow"] == "POST"

    # The other client may use the same reference for an invitation of its own.
    second = unique_email("invite")
    assert (await _invite(app, other, second, "crm-1"))["invitation_id"] != made["invitation_id"]

    withdrawn = await app.http.delete(url, headers=key)
    assert withdrawn.status_code == 204 and withdrawn.content == b""
    assert (await _eventually(app, url, key, "withdrawn"))["subscriber_number"] is None
    problem(await app.http.delete(url, headers=key), 409, "invitation_closed")
    code = await invitation_code(mail_sink, email)
    accepted = await app.http.post(
        f"{API}/accept", json={"email": email, "code": code, **acceptance_body()}
    )
    problem(accepted, 422, "invalid_code")


async def test_conflicts_with_enrollments_and_subscribers(
    app: LiveApp, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    key = await admin_key(settings, engine, "Portail", "enrollments")
    drafting = unique_email("brouillon")
    await pre_register(app.http, drafting, "Abcd1234", details())
    refused = await app.http.post(API, json=invitation_body(drafting, "crm-2"), headers=key)
    problem(refused, 409, "activation_pending")

    email = unique_email("invite")
    await _invite(app, key, email, "crm-3")
    public = await app.http.post(
        "/api/v1/enrollments",
        json=identifiers(email),
    )
    problem(public, 409, "activation_pending")
    code = await invitation_code(mail_sink, email)
    accepted = await app.http.post(
        f"{API}/accept", json={"email": email, "code": code, **acceptance_body()}
    )
    assert accepted.status_code == 201
    again = await app.http.post(API, json=invitation_body(email, "crm-4"), headers=key)
    problem(again, 409, "already_subscribed")


async def test_the_person_s_answers_to_accept(
    app: LiveApp, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    key = await admin_key(settings, engine, "Portail", "enrollments")
    email = unique_email("invite")
    await _invite(app, key, email, "crm-5")
    code = await invitation_code(mail_sink, email)
    url = f"{API}/accept"

    invalid = {
        "email": email,
        "code": wrong_code(code),
        **acceptance_body(
            terms_accepted=False,
            password="secret Zq9 é",
            password_confirmation="autre",
            trust={"question": "", "answer": ""},
            contact={"phone": "", "city": "Paris", "country": "FR"},
        ),
    }
    for _ in range(6):  # judged first: no try spent
        refused = await app.http.post(url, json=invalid)
        assert fields(refused) == {
            "terms_accepted": "terms_not_accepted",
            "password": "password_invalid_characters",
            "password_confirmation": "password_mismatch",
            "trust.question": "required",
            "trust.answer": "required",
            "contact.phone": "required",
        }
        assert "Zq9" not in refused.text
    missing = await app.http.post(url, json={})
    assert {"email", "code", "password", "terms_accepted"} <= set(fields(missing))

    good = {"email": email, **acceptance_body()}
    unknown = await app.http.post(url, json={**good, "email": unique_email(), "code": code})
    problem(unknown, 422, "invalid_code")  # no invitation for that e-mail: told as a wrong code
    for _ in range(5):
        problem(
            await app.http.post(url, json={**good, "code": wrong_code(code)}), 422, "invalid_code"
        )
    void = await app.http.post(url, json={**good, "code": code})
    problem(void, 429, "too_many_attempts")
    assert int(void.headers["retry-after"]) > 0


async def test_an_expired_invitation_answers_410(
    app_with: LiveFactory, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    key = await admin_key(settings, engine, "Portail", "enrollments")
    email = unique_email("invite")
    async with app_with(activation_window=timedelta(seconds=3)) as app:
        made = await _invite(app, key, email, "crm-6")
        code = await invitation_code(mail_sink, email)
        await _eventually(app, f"{API}/{made['invitation_id']}", key, "expired")
        late = await app.http.post(
            f"{API}/accept", json={"email": email, "code": code, **acceptance_body()}
        )
        problem(late, 410, "code_expired")


async def test_a_service_invites_many_people_from_one_address(
    app_with: LiveFactory, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    """The public per-address limits stop an anonymous flood; a service's invitations count
    against its own quota instead (50 here; the bench sends 1,000)."""
    # A key of its own for the address counters (they outlive a test); the service key is
    # made under the same key, as the operator would.
    limits: dict[str, Any] = {
        "enrollments_per_address": 3,
        "confirms_per_address": 3,
        "identifier_hash_key": fresh_hash_key(),
    }
    key = await admin_key(settings.model_copy(update=limits), engine, "Éditeur", "enrollments")
    async with app_with(**limits) as app:
        emails = [unique_email(f"client{n}") for n in range(50)]
        gate = asyncio.Semaphore(8)

        async def one(n: int, email: str) -> httpx.Response:
            async with gate:
                return await app.http.post(
                    API, json=invitation_body(email, f"crm-bulk-{n}"), headers=key
                )

        answers = await asyncio.gather(*(one(n, e) for n, e in enumerate(emails)))
        assert [a.status_code for a in answers] == [201] * 50
        for email in emails:
            await invitation_code(mail_sink, email)

        public = [
            await app.http.post(
                "/api/v1/enrollments",
                json={
                    "terms_accepted": True,
                    "email": (anonymous := unique_email("anonyme")),
                    "email_confirmation": anonymous,
                    "password": "Abcd1234",
                    "password_confirmation": "Abcd1234",
                },
            )
            for _ in range(4)
        ]
        assert [p.status_code for p in public] == [201, 201, 201, 429]


async def test_the_client_that_accepted_is_recognised_at_sign_in(
    app_with: LiveFactory, settings: Settings, engine: Engine, mail_sink: MailSink
) -> None:
    """API.md: `/invitations/accept` returns a `device_token`, like an activation: the client
    that proved the address skips the second step; any other client is asked for a code."""
    async with app_with(second_factor=SecondFactor.NEW_DEVICE) as app:
        key = await admin_key(settings, engine, "Portail partenaire", "enrollments")
        email = unique_email("invite-device")
        await _invite(app, key, email, "crm-device")
        code = await invitation_code(mail_sink, email)
        accepted = await app.http.post(
            f"{API}/accept", json={"email": email, "code": code, **acceptance_body()}
        )
        assert accepted.status_code == 201, accepted.text
        device_token = accepted.json()["device_token"]
        assert isinstance(device_token, str) and device_token

        credentials = {"email": email, "password": PERSON_PASSWORD}
        known = await app.http.post(
            "/api/v1/sessions", json={**credentials, "device_token": device_token}
        )
        assert known.status_code == 201, known.text
        unknown = await app.http.post("/api/v1/sessions", json=credentials)
        assert unknown.status_code == 202, unknown.text
        assert unknown.json()["method"] == "email"
