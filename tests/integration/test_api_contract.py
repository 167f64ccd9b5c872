"""API.md to the letter, over HTTP: every endpoint and each documented status, against the real
API (uvicorn on loopback), a real worker, mail through a real SMTP server and SQLite. Temporal is
the dev server, or the time-skipping server where 48 hours must pass."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.reference import STREET_TYPES, TRUST_QUESTIONS
from settings import Settings
from tests.integration.problems import assert_never_echoed, fields, problem
from tests.live import LiveApp, live_app
from tests.quiet import quiet_enrollment
from tests.support import code_from, details, identifiers, unique_email

API = "/api/v1"
PASSWORD = "Zq9Secret2026"  # every test enrolls with it: no response may ever contain it
UNKNOWN_ID = "0" * 32 + "." + "A" * 22  # well-formed, but no such enrollment


@pytest.fixture
async def timed_app(
    time_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    responses: list[httpx.Response],
) -> AsyncIterator[LiveApp]:
    async with live_app(time_env.client, settings, engine, keep=responses) as live:
        yield live


@pytest.fixture(autouse=True)
def password_never_echoed(responses: list[httpx.Response]) -> Iterator[None]:
    yield
    assert_never_echoed(responses, PASSWORD)


# -- helpers ------------------------------------------------------------------------------------


async def start(http: httpx.AsyncClient, email: str, **extra: Any) -> str:
    created = await http.post(f"{API}/enrollments", json=identifiers(email, PASSWORD) | extra)
    assert created.status_code == 201, created.text
    enrollment_id: str = created.json()["enrollment_id"]
    return enrollment_id


async def pre_register(http: httpx.AsyncClient, email: str, **overrides: Any) -> str:
    enrollment_id = await start(http, email)
    recap = await http.put(f"{API}/enrollments/{enrollment_id}/details", json=details(**overrides))
    assert recap.status_code == 200, recap.text
    return enrollment_id


async def confirm(
    http: httpx.AsyncClient, sink: MailSink, enrollment_id: str, email: str
) -> tuple[httpx.Response, str]:
    before = sink.count_to(email)
    confirmed = await http.post(f"{API}/enrollments/{enrollment_id}/confirm")
    assert confirmed.status_code == 202, confirmed.text
    return confirmed, code_from(await sink.message_to(email, before + 1))


async def awaiting_activation(http: httpx.AsyncClient, sink: MailSink) -> tuple[str, str]:
    """A new enrollment, confirmed: its e-mail and the code sent there."""
    email = unique_email()
    _, code = await confirm(http, sink, await pre_register(http, email), email)
    return email, code


async def activate(http: httpx.AsyncClient, email: str, code: str) -> httpx.Response:
    return await http.post(f"{API}/activations", json={"email": email, "code": code})


def wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


# -- POST /enrollments --------------------------------------------------------------------------


async def test_create_enrollment_201_with_location(app: LiveApp) -> None:
    email = unique_email()
    created = await app.http.post(f"{API}/enrollments", json=identifiers(email.upper(), PASSWORD))
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    body = created.json()
    assert body["status"] == "identifiers_set" and body["email"] == email
    assert created.headers["Location"] == f"{API}/enrollments/{body['enrollment_id']}"
    fetched = await app.http.get(created.headers["Location"])
    assert fetched.status_code == 200 and fetched.json()["status"] == "identifiers_set"


async def test_create_enrollment_422_lists_every_invalid_field(app: LiveApp) -> None:
    refused = await app.http.post(
        f"{API}/enrollments",
        json={
            "terms_accepted": False,
            "email": "x" * 95 + "@ex.fr",
            "email_confirmation": "autre@exemple.fr",
            "password": PASSWORD + "é",
            "password_confirmation": PASSWORD,
        },
    )
    assert fields(refused) == {
        "terms_accepted": "terms_not_accepted",
        "email": "email_too_long",
        "email_confirmation": "email_mismatch",
        "password": "password_invalid_characters",
        "password_confirmation": "password_mismatch",
    }


def _pair(field: str, value: Any) -> dict[str, Any]:
    return {field: value, f"{field}_confirmation": value}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (_pair("password", "A" * 21), "password", "password_too_long"),
        (_pair("password", "Abc1234"), "password", "password_too_short"),
        (_pair("password", "Abcd 1234"), "password", "password_invalid_characters"),
        (_pair("password", "Abcd+1234"), "password", "password_invalid_characters"),
        (_pair("email", "pas-un-mail"), "email", "invalid_email"),
        ({"email_confirmation": "autre@exemple.fr"}, "email_confirmation", "email_mismatch"),
        ({"password_confirmation": "Autre2026"}, "password_confirmation", "password_mismatch"),
        ({"terms_accepted": "peut-être"}, "terms_accepted", "invalid_type"),
        ({"email": 42}, "email", "invalid_type"),
        ({"email": "a" * 2000}, "email", "too_long"),
    ],
)
async def test_create_enrollment_422_per_rule(
    app: LiveApp, overrides: dict[str, Any], field: str, code: str
) -> None:
    body = identifiers(unique_email(), PASSWORD) | overrides
    assert fields(await app.http.post(f"{API}/enrollments", json=body)) == {field: code}


async def test_create_enrollment_409_already_subscribed_and_activation_pending(
    app: LiveApp, mail_sink: MailSink
) -> None:
    email, code = await awaiting_activation(app.http, mail_sink)

    pending = await app.http.post(f"{API}/enrollments", json=identifiers(email, PASSWORD))
    problem(pending, 409, "activation_pending")

    assert (await activate(app.http, email, code)).status_code == 201
    taken = await app.http.post(f"{API}/enrollments", json=identifiers(email.upper(), PASSWORD))
    problem(taken, 409, "already_subscribed")


async def test_an_unconfirmed_draft_is_replaced_and_its_old_id_is_gone(app: LiveApp) -> None:
    email = unique_email()
    first = await pre_register(app.http, email)
    second = await start(app.http, email)
    problem(await app.http.get(f"{API}/enrollments/{first}"), 404, "not_found")
    assert (await app.http.get(f"{API}/enrollments/{second}")).json()["status"] == (
        "identifiers_set"
    )


async def test_previous_step_keeps_or_carries_the_details(app: LiveApp) -> None:
    email, other = unique_email(), unique_email()
    first = await pre_register(app.http, email)

    same = await start(app.http, email, replaces=first)
    kept = (await app.http.get(f"{API}/enrollments/{same}")).json()
    assert kept["status"] == "awaiting_confirmation" and kept["last_name"] == "Rosemonde"

    moved = await start(app.http, other, replaces=same)
    carried = (await app.http.get(f"{API}/enrollments/{moved}")).json()
    assert carried["status"] == "awaiting_confirmation" and carried["email"] == other
    assert carried["contact"]["email"] == other and carried["first_name"] == "Lila"
    old = (await app.http.get(f"{API}/enrollments/{same}")).json()
    assert old["status"] == "abandoned" and old.get("last_name") is None


# -- PUT /enrollments/{id}/details --------------------------------------------------------------


async def test_details_200_recap_without_the_answer(app: LiveApp) -> None:
    email = unique_email()
    enrollment_id = await start(app.http, email)
    recap = await app.http.put(f"{API}/enrollments/{enrollment_id}/details", json=details())
    assert recap.status_code == 200, recap.text
    body = recap.json()
    assert body == {
        "enrollment_id": enrollment_id,
        "status": "awaiting_confirmation",
        "email": email,
        "civility": "madame",
        "last_name": "Rosemonde",
        "first_name": "Lila",
        "company": {
            "foreign": False,
            "identifier": "732 829 320",
            "name": "ATELIERS FICTIFS DE LA PAIX",
        },
        # The address as sent; the phone in international form, the identifier as its e-mail.
        "contact": details()["contact"] | {"phone": "+33123456789", "email": email},
        "trust": {"question": "nickname", "question_label": "Quel est votre surnom ?"},
        "activation_deadline": None,
        "email_delivery": None,
    }
    assert "Tâta" not in recap.text and "tata" not in recap.text


async def test_details_422_lists_every_invalid_field(app: LiveApp) -> None:
    enrollment_id = await start(app.http, unique_email())
    refused = await app.http.put(
        f"{API}/enrollments/{enrollment_id}/details",
        json={
            "civility": "docteur",
            "last_name": "R2D2",
            "first_name": "",
            "company": {"foreign": False, "identifier": "732 829 321"},
            "contact": {
                "phone": "+44 20 7946 0958",
                "street_type": "AVENUEX",
                "postal_code": "7500",
                "city": "",
                "country": "ZZ",
            },
            "trust": {"question": "favourite_colour", "answer": ""},
        },
    )
    assert fields(refused) == {
        "civility": "invalid_civility",
        "last_name": "invalid_name",
        "first_name": "required",
        "company.identifier": "invalid_siren",
        "contact.country": "invalid_country",
        "contact.street_type": "invalid_street_type",
        "contact.city": "required",
        "contact.phone": "phone_wrong_country",
        "trust.question": "invalid_trust_question",
        "trust.answer": "required",
    }
    # A refused request leaves nothing behind.
    state = (await app.http.get(f"{API}/enrollments/{enrollment_id}")).json()
    assert state["status"] == "identifiers_set" and state["last_name"] is None


async def test_details_422_nested_type_errors_have_dotted_paths(app: LiveApp) -> None:
    enrollment_id = await start(app.http, unique_email())
    refused = await app.http.put(
        f"{API}/enrollments/{enrollment_id}/details",
        json=details(company={"foreign": "peut-être", "identifier": 732829320}),
    )
    assert fields(refused) == {
        "company.foreign": "invalid_type",
        "company.identifier": "invalid_type",
    }


async def test_details_404_unknown_and_409_once_confirmed(
    app: LiveApp, mail_sink: MailSink
) -> None:
    for unknown in (UNKNOWN_ID, "pas-un-identifiant"):
        missing = await app.http.put(f"{API}/enrollments/{unknown}/details", json=details())
        problem(missing, 404, "not_found")
    email = unique_email()
    enrollment_id = await pre_register(app.http, email)
    await confirm(app.http, mail_sink, enrollment_id, email)
    late = await app.http.put(f"{API}/enrollments/{enrollment_id}/details", json=details())
    problem(late, 409)


async def test_a_failed_company_look_up_shows_the_name_as_unknown(app: LiveApp) -> None:
    enrollment_id = await start(app.http, unique_email())
    unknown_siren = "130 025 265"  # Luhn-valid, absent from the embedded dataset
    recap = await app.http.put(
        f"{API}/enrollments/{enrollment_id}/details",
        json=details(company={"foreign": False, "identifier": unknown_siren}),
    )
    assert recap.status_code == 200, recap.text
    assert recap.json()["company"] == {"foreign": False, "identifier": unknown_siren, "name": None}


# -- GET /enrollments/{id}, confirm, DELETE -----------------------------------------------------


async def test_get_statuses_through_the_procedure(app: LiveApp, mail_sink: MailSink) -> None:
    email = unique_email()
    enrollment_id = await start(app.http, email)
    url = f"{API}/enrollments/{enrollment_id}"
    first = (await app.http.get(url)).json()
    assert first["status"] == "identifiers_set" and first["company"] is None
    await app.http.put(f"{url}/details", json=details())
    second = (await app.http.get(url)).json()
    assert second["status"] == "awaiting_confirmation" and second["activation_deadline"] is None
    assert second["company"]["name"] == "ATELIERS FICTIFS DE LA PAIX"

    confirmed, code = await confirm(app.http, mail_sink, enrollment_id, email)
    deadline = datetime.fromisoformat(confirmed.json()["activation_deadline"])
    assert confirmed.json()["status"] == "awaiting_activation"
    assert deadline.utcoffset() is not None  # RFC 3339 with an offset
    assert abs(deadline - datetime.now(UTC) - timedelta(hours=48)) < timedelta(minutes=1)
    third = (await app.http.get(url)).json()
    assert third["status"] == "awaiting_activation" and third["email_delivery"] == "sent"
    assert confirmed.json()["email_delivery"] == "sent"  # SMTP is up: it went out at once
    assert datetime.fromisoformat(third["activation_deadline"]) == deadline

    assert (await activate(app.http, email, code)).status_code == 201
    assert (await app.http.get(url)).json()["status"] == "activated"
    problem(await app.http.get(f"{API}/enrollments/{UNKNOWN_ID}"), 404, "not_found")


async def test_confirm_409_when_details_are_missing_and_a_retry_gets_the_first_answer(
    app: LiveApp, mail_sink: MailSink
) -> None:
    email = unique_email()
    enrollment_id = await start(app.http, email)
    early = await app.http.post(f"{API}/enrollments/{enrollment_id}/confirm")
    problem(early, 409, "details_missing")
    await app.http.put(f"{API}/enrollments/{enrollment_id}/details", json=details())
    first, _ = await confirm(app.http, mail_sink, enrollment_id, email)
    again = await app.http.post(f"{API}/enrollments/{enrollment_id}/confirm")
    # A retried confirm (the first answer was lost) answers what the first answer said.
    assert again.status_code == 202, again.text
    assert again.json() == first.json()
    assert mail_sink.count_to(email) == 1
    problem(await app.http.post(f"{API}/enrollments/{UNKNOWN_ID}/confirm"), 404)


async def test_delete_204_and_the_draft_is_gone(app: LiveApp) -> None:
    email = unique_email()
    enrollment_id = await pre_register(app.http, email)
    url = f"{API}/enrollments/{enrollment_id}"
    deleted = await app.http.delete(url)
    assert deleted.status_code == 204 and deleted.content == b""
    gone = (await app.http.get(url)).json()
    assert gone["status"] == "abandoned"
    assert email not in str(gone) and gone["company"] is None and gone["last_name"] is None
    problem(await app.http.put(f"{url}/details", json=details()), 404, "not_found")
    problem(await app.http.delete(url), 404, "not_found")
    problem(await app.http.delete(f"{API}/enrollments/{UNKNOWN_ID}"), 404)
    # The identifier is free again at once.
    assert (await app.http.post(f"{API}/enrollments", json=identifiers(email))).status_code == 201


# -- activations --------------------------------------------------------------------------------


async def test_activation_201_then_sessions_me_and_recap(app: LiveApp, mail_sink: MailSink) -> None:
    email, code = await awaiting_activation(app.http, mail_sink)

    activated = await activate(app.http, f" {email.upper()} ", code)
    assert activated.status_code == 201, activated.text
    body = activated.json()
    assert re.fullmatch(r"[0-9]{12}", body["subscriber_number"])
    assert body["email"] == email and body["recap_pdf_url"] == f"{API}/me/recap.pdf"
    assert body["access_token"]
    token = {"Authorization": f"Bearer {body['access_token']}"}

    me = await app.http.get(f"{API}/me", headers=token)
    assert me.status_code == 200
    profile = me.json()
    assert profile["subscriber_number"] == body["subscriber_number"] and profile["email"] == email
    assert profile["last_name"] == "Rosemonde" and profile["civility"] == "madame"
    assert profile["company"]["identifier"] == "732 829 320"
    assert profile["contact"]["city"] == "Paris"
    assert profile["trust"] == {
        "question": "nickname",
        "question_label": TRUST_QUESTIONS["nickname"],
    }
    assert datetime.fromisoformat(profile["activated_at"]).utcoffset() is not None
    assert "answer" not in profile["trust"] and "password_hash" not in me.text

    pdf = await app.http.get(body["recap_pdf_url"], headers=token)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    problem(await app.http.get(f"{API}/me/recap.pdf"), 401)

    session = await app.http.post(f"{API}/sessions", json={"email": email, "password": PASSWORD})
    assert session.status_code == 201, session.text
    opened = session.json()
    assert opened["token_type"] == "bearer" and opened["access_token"]
    assert datetime.fromisoformat(opened["expires_at"]) > datetime.now(UTC)
    again = await app.http.get(
        f"{API}/me", headers={"Authorization": f"Bearer {opened['access_token']}"}
    )
    assert again.status_code == 200

    wrong_password = await app.http.post(
        f"{API}/sessions", json={"email": email, "password": "Autre2026"}
    )
    unknown = await app.http.post(
        f"{API}/sessions", json={"email": unique_email(), "password": PASSWORD}
    )
    assert problem(wrong_password, 401) == problem(unknown, 401)
    problem(await app.http.get(f"{API}/me"), 401)
    problem(await app.http.get(f"{API}/me", headers={"Authorization": "Bearer x"}), 401)
    # The code was single use.
    problem(await activate(app.http, email, code), 422, "invalid_code")


async def test_activation_422_invalid_code_and_429_after_five_wrong_codes(
    app: LiveApp, mail_sink: MailSink
) -> None:
    email, code = await awaiting_activation(app.http, mail_sink)

    unknown = await activate(app.http, unique_email(), code)
    assert problem(unknown, 422, "invalid_code") == problem(
        await activate(app.http, email, wrong(code)), 422, "invalid_code"
    )  # no pending enrollment and a wrong code are not told apart
    problem(await activate(app.http, email, "court"), 422, "invalid_code")
    for _ in range(4):
        problem(await activate(app.http, email, code.swapcase()), 422, "invalid_code")

    void = await activate(app.http, email, code)
    problem(void, 429, "too_many_attempts")
    assert int(void.headers["Retry-After"]) > 0


async def test_resend_202_always_and_voids_the_old_code(
    app: LiveApp, mail_sink: MailSink, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    nobody = await app.http.post(f"{API}/activations/resend", json={"email": unique_email()})
    assert nobody.status_code == 202
    email, old_code = await awaiting_activation(app.http, mail_sink)

    resent = await app.http.post(f"{API}/activations/resend", json={"email": email.upper()})
    assert resent.status_code == 202 and resent.json() == {}
    new_code = code_from(await mail_sink.message_to(email, 2))
    assert new_code != old_code
    problem(await activate(app.http, email, old_code), 422, "invalid_code")
    assert (await activate(app.http, email, new_code)).status_code == 201
    after = await app.http.post(f"{API}/activations/resend", json={"email": email})
    assert after.status_code == 202
    # Activated, the enrollment has ended: once it has nothing in flight, no third e-mail.
    await quiet_enrollment(dev_env.client, settings, email)
    assert mail_sink.count_to(email) == 2


async def test_activation_410_after_the_window(
    timed_app: LiveApp, time_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    http = timed_app.http
    email = unique_email()
    enrollment_id = await pre_register(http, email)
    _, code = await confirm(http, mail_sink, enrollment_id, email)

    await time_env.sleep(timedelta(hours=48, minutes=1))

    problem(await activate(http, email, code), 410, "code_expired")
    expired = (await http.get(f"{API}/enrollments/{enrollment_id}")).json()
    assert expired["status"] == "expired" and expired["company"] is None
    # The pre-registration is gone: the identifier enrolls again.
    again = await start(http, email)
    # ... as a live draft, which « Quitter » deletes.
    assert (await http.delete(f"{API}/enrollments/{again}")).status_code == 204


async def test_an_idle_draft_is_abandoned(
    timed_app: LiveApp, time_env: WorkflowEnvironment
) -> None:
    enrollment_id = await pre_register(timed_app.http, unique_email())
    await time_env.sleep(timedelta(hours=1, minutes=1))
    state = (await timed_app.http.get(f"{API}/enrollments/{enrollment_id}")).json()
    assert state["status"] == "abandoned" and state["last_name"] is None


# -- reference lists ----------------------------------------------------------------------------


async def test_reference_lists(app: LiveApp) -> None:
    questions = await app.http.get(f"{API}/trust-questions")
    assert questions.status_code == 200
    assert questions.json() == [{"code": c, "label": lb} for c, lb in TRUST_QUESTIONS.items()]
    streets = (await app.http.get(f"{API}/street-types")).json()
    assert {"code": "RUE", "label": "Rue"} in streets and len(streets) == len(STREET_TYPES)


# -- malformed and oversized bodies -------------------------------------------------------------


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"texte"', b""])
async def test_400_for_a_malformed_body(app: LiveApp, content: bytes) -> None:
    refused = await app.http.post(
        f"{API}/enrollments", content=content, headers={"content-type": "application/json"}
    )
    problem(refused, 400, "malformed_request")


async def test_413_for_a_body_over_64_kib_announced(app: LiveApp) -> None:
    body = identifiers(unique_email(), PASSWORD) | {"padding": "x" * (64 * 1024)}
    problem(await app.http.post(f"{API}/enrollments", json=body), 413, "payload_too_large")


async def test_413_for_a_body_over_64_kib_streamed(app: LiveApp) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"padding": "'
        for _ in range(10):
            yield b"x" * 8192
        yield b'"}'

    refused = await app.http.post(
        f"{API}/enrollments", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in refused.request.headers
    problem(refused, 413, "payload_too_large")


async def test_a_body_just_under_the_limit_is_read(app: LiveApp) -> None:
    body = identifiers(unique_email(), PASSWORD) | {"padding": "x" * (60 * 1024)}
    assert (await app.http.post(f"{API}/enrollments", json=body)).status_code == 201
