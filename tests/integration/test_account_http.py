"""The Account section of API.md over HTTP, flows without a code: « Modifier mon mot de passe »,
« Mes coordonnées », the sessions, « Fermer mon espace ». The Temporal dev server, a real worker,
uvicorn on loopback, mail through the SMTP sink, the database of each kind."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.subscribers import SubscriberRepository
from storage.tables import RecapDocument, SessionToken
from tests.accounts import (
    ANSWER,
    API,
    NEW_PASSWORD,
    PASSWORD,
    delete_with_body,
    enroll,
    notice_to,
    own_dev_server,
    sign_in,
    token_for,
)
from tests.integration.account_forms import password_change
from tests.integration.problems import assert_never_echoed, fields, problem
from tests.letters import letter, letter_folder, letters_of
from tests.live import LiveApp
from tests.quiet import quiet
from tests.support import FakeClock, unique_email


@pytest.fixture(scope="module")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """This module's own dev server (tests.accounts.own_dev_server): its deletions stay here."""
    async with own_dev_server(base_settings) as env:
        yield env


@pytest.fixture
def clock() -> FakeClock:
    """The sign-in lockout's delay passes by hand."""
    return FakeClock()


@pytest.fixture(autouse=True)
def secrets_never_echoed(responses: list[httpx.Response]) -> Iterator[None]:
    yield
    assert_never_echoed(responses, PASSWORD, NEW_PASSWORD, ANSWER)


# -- PUT /me/password ---------------------------------------------------------------------------


async def test_password_change_204_ends_other_sessions_and_tells_the_subscriber(
    app: LiveApp, mail_sink: MailSink
) -> None:
    http = app.http
    me = await enroll(http, mail_sink, unique_email("pwd"))
    other = await token_for(http, me.email, PASSWORD, "Autre navigateur")

    # The answer is compared ignoring case, accents and surrounding spaces, as at enrollment.
    changed = await http.put(
        f"{API}/me/password", json=password_change(answer="  tata "), headers=me.auth
    )

    assert changed.status_code == 204, changed.text
    assert (await http.get(f"{API}/me", headers=me.auth)).status_code == 200  # this one stays
    assert (
        await http.get(f"{API}/me", headers={"Authorization": f"Bearer {other}"})
    ).status_code == 401
    assert (await sign_in(http, me.email, PASSWORD)).status_code == 401
    assert (await sign_in(http, me.email, NEW_PASSWORD)).status_code == 201
    text = await notice_to(mail_sink, me.email, "mot de passe a été modifié")
    assert "mot de passe" in text and NEW_PASSWORD not in text


async def test_password_change_422_for_the_new_passwords_rules_before_the_secrets(
    app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("pwd"))
    refused = await app.http.put(
        f"{API}/me/password",
        json=password_change(current="wrong", new="court é", again="autre"),
        headers=me.auth,
    )
    assert fields(refused) == {
        "new_password": "password_invalid_characters",
        "new_password_confirmation": "password_mismatch",
    }
    empty = await app.http.put(f"{API}/me/password", json={}, headers=me.auth)
    assert fields(empty) == {
        "current_password": "required",
        "trust_answer": "required",
        "new_password": "required",
        "new_password_confirmation": "required",
    }
    # Nothing changed: the password is still the old one.
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 201


async def test_password_change_403_one_answer_for_either_secret_then_429_locked(
    app: LiveApp, mail_sink: MailSink, settings: Settings, clock: FakeClock
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("pwd"))
    url = f"{API}/me/password"
    wrong_password = await app.http.put(
        url, json=password_change(current="Faux2026"), headers=me.auth
    )
    wrong_answer = await app.http.put(url, json=password_change(answer="toto"), headers=me.auth)
    body = problem(wrong_password, 403, "invalid_secret")
    assert problem(wrong_answer, 403, "invalid_secret") == body

    # Wrong secrets count toward the sign-in lockout (two already counted above).
    for _ in range(settings.sign_in_lockout_after - 2):
        problem(
            await app.http.put(url, json=password_change(answer="toto"), headers=me.auth),
            403,
            "invalid_secret",
        )
    locked = await app.http.put(url, json=password_change(), headers=me.auth)
    problem(locked, 429, "too_many_attempts")
    assert int(locked.headers["retry-after"]) > 0
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 429  # sign-in too

    clock.advance(settings.sign_in_lockout_delay + timedelta(seconds=1))
    assert (await app.http.put(url, json=password_change(), headers=me.auth)).status_code == 204


async def test_account_endpoints_401_without_a_session(app: LiveApp) -> None:
    calls = [
        app.http.put(f"{API}/me/password", json=password_change()),
        app.http.patch(f"{API}/me/contact", json={"city": "Lyon"}),
        app.http.get(f"{API}/me/sessions"),
        app.http.delete(f"{API}/me/sessions/abc"),
        app.http.delete(f"{API}/me/sessions"),
        delete_with_body(app.http, f"{API}/me", {"password": PASSWORD}, {}),
    ]
    for response in await asyncio.gather(*calls):
        problem(response, 401, "unauthorized")


# -- PATCH /me/contact --------------------------------------------------------------------------


async def test_contact_change_200_recap_rendered_again_and_notice(
    app: LiveApp, mail_sink: MailSink
) -> None:
    http = app.http
    me = await enroll(http, mail_sink, unique_email("contact"))
    changed = await http.patch(
        f"{API}/me/contact",
        json={
            "phone": "04 72 00 00 00",
            "street_name": "de la République",
            "postal_code": "69002",
            "city": "Lyon",
        },
        headers=me.auth,
    )
    assert changed.status_code == 200, changed.text
    contact = changed.json()["contact"]
    assert contact["phone"] == "+33472000000" and contact["city"] == "Lyon"
    # A partial update keeps what was not sent.
    assert contact["street_number"] == "12" and contact["street_type"] == "RUE"
    assert contact["address_complement"] == "Bâtiment B" and contact["country"] == "FR"

    pdf = await http.get(f"{API}/me/recap.pdf", headers=me.auth)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Lyon" in text and "69002" in text and "Paris" not in text.split("Ville")[1][:20]
    assert "Dernière modification" in text
    assert "coordonnées" in await notice_to(mail_sink, me.email, "coordonnées ont été modifiées")


async def test_contact_change_422_every_field_named_from_the_contact_object(
    app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("contact"))
    # Each field with a value its rule refuses, and the code the answer names it with.
    refusals = {
        "phone": ("12", "invalid_phone"),
        "postal_code": ("!!", "invalid_postal_code"),
        "street_type": ("XX", "invalid_street_type"),
        "city": (" ", "required"),
        "country": ("ZZ", "invalid_country"),
    }
    sent = {name: value for name, (value, _) in refusals.items()}
    refused = await app.http.patch(f"{API}/me/contact", json=sent, headers=me.auth)
    assert fields(refused) == {name: code for name, (_, code) in refusals.items()}
    me_now = (await app.http.get(f"{API}/me", headers=me.auth)).json()
    assert me_now["contact"]["city"] == "Paris"  # nothing changed


# -- sessions -----------------------------------------------------------------------------------


async def test_sessions_listed_one_ended_then_all_others(app: LiveApp, mail_sink: MailSink) -> None:
    http = app.http
    me = await enroll(http, mail_sink, unique_email("sessions"))
    firefox = await token_for(http, me.email, PASSWORD, "Mozilla/5.0 Firefox/140.0")
    chromium = await token_for(http, me.email, PASSWORD, "Mozilla/5.0 Chrome/141.0")

    listed = await http.get(f"{API}/me/sessions", headers=me.auth)
    assert listed.status_code == 200
    sessions = listed.json()
    assert len(sessions) == 3
    assert {"session_id", "created_at", "last_used_at", "user_agent", "current"} <= set(sessions[0])
    assert [s["current"] for s in sessions].count(True) == 1
    agents = {s["user_agent"]: s for s in sessions}
    assert {"Mozilla/5.0 Firefox/140.0", "Mozilla/5.0 Chrome/141.0"} <= set(agents)
    for item in sessions:  # neither the token nor its digest is shown
        assert item["session_id"] not in (firefox, chromium, me.token)

    ended = await http.delete(
        f"{API}/me/sessions/{agents['Mozilla/5.0 Firefox/140.0']['session_id']}", headers=me.auth
    )
    assert ended.status_code == 204
    assert (
        await http.get(f"{API}/me", headers={"Authorization": f"Bearer {firefox}"})
    ).status_code == 401
    assert (
        await http.get(f"{API}/me", headers={"Authorization": f"Bearer {chromium}"})
    ).status_code == 200
    problem(await http.delete(f"{API}/me/sessions/inconnue", headers=me.auth), 404, "not_found")

    # Another subscriber's session cannot be ended from here.
    stranger = await enroll(http, mail_sink, unique_email("stranger"))
    theirs = (await http.get(f"{API}/me/sessions", headers=stranger.auth)).json()[0]["session_id"]
    problem(await http.delete(f"{API}/me/sessions/{theirs}", headers=me.auth), 404, "not_found")
    assert (await http.get(f"{API}/me", headers=stranger.auth)).status_code == 200

    assert (await http.delete(f"{API}/me/sessions", headers=me.auth)).status_code == 204
    assert (
        await http.get(f"{API}/me", headers={"Authorization": f"Bearer {chromium}"})
    ).status_code == 401
    remaining = (await http.get(f"{API}/me/sessions", headers=me.auth)).json()
    assert [s["current"] for s in remaining] == [True]


# -- DELETE /me ---------------------------------------------------------------------------------


async def test_close_204_erases_the_subscriber_retires_the_number_and_says_so(
    app: LiveApp,
    mail_sink: MailSink,
    engine: Engine,
    dev_env: WorkflowEnvironment,
    settings: Settings,
) -> None:
    http = app.http
    me = await enroll(http, mail_sink, unique_email("close"))
    repository = SubscriberRepository(engine)
    subscriber = repository.by_email(me.email)
    assert subscriber is not None and subscriber.id is not None
    enrollment_workflow = subscriber.enrollment_key.partition("/")[0]
    # What the space holds beyond its row: its recap PDF (rendered once the enrollment ends:
    # asking for it waits for that) and its sessions.
    assert (await http.get(f"{API}/me/recap.pdf", headers=me.auth)).status_code == 200
    assert repository.recap(subscriber.id) is not None
    assert rows_of(engine, SessionToken, subscriber.id) > 0

    closed = await delete_with_body(
        http, f"{API}/me", {"password": PASSWORD, "trust_answer": ANSWER}, me.auth
    )

    assert closed.status_code == 204, closed.text
    assert repository.recap(subscriber.id) is None
    assert rows_of(engine, RecapDocument, subscriber.id) == 0
    assert rows_of(engine, SessionToken, subscriber.id) == 0
    assert (await http.get(f"{API}/me", headers=me.auth)).status_code == 401
    assert (await sign_in(http, me.email, PASSWORD)).status_code == 401
    assert repository.by_email(me.email) is None
    assert repository.is_retired(me.subscriber_number)
    text = await notice_to(mail_sink, me.email, "votre espace a été fermé")
    assert "numéro d'abonné ne sera attribué à personne" in text
    # The enrollment's runs, which held the personal data, are deleted from Temporal (the dev
    # server deletes a closed run once its visibility record is final: seconds).
    for _ in range(1800):
        try:
            await dev_env.client.get_workflow_handle(enrollment_workflow).describe()
        except RPCError as error:
            assert error.status is RPCStatusCode.NOT_FOUND
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the enrollment's runs are still in Temporal")
    # The address is free again: a new enrollment may use it.
    again = await enroll(http, mail_sink, me.email)
    assert again.subscriber_number != me.subscriber_number


def rows_of(engine: Engine, table: type[SessionToken | RecapDocument], subscriber_id: int) -> int:
    """How many rows of `table` belong to the subscriber."""
    with Session(engine) as session:
        count: int = session.execute(
            select(func.count()).where(col(table.subscriber_id) == subscriber_id)
        ).scalar_one()
        return count


async def test_close_403_wrong_secrets_and_422_missing(app: LiveApp, mail_sink: MailSink) -> None:
    me = await enroll(app.http, mail_sink, unique_email("close"))
    url = f"{API}/me"
    wrong = await delete_with_body(
        app.http, url, {"password": PASSWORD, "trust_answer": "non"}, me.auth
    )
    problem(wrong, 403, "invalid_secret")
    missing = await delete_with_body(app.http, url, {}, me.auth)
    assert fields(missing) == {"password": "required", "trust_answer": "required"}
    assert (await app.http.get(f"{API}/me", headers=me.auth)).status_code == 200


async def test_closing_a_space_withdraws_its_pending_adhesions(
    app: LiveApp,
    mail_sink: MailSink,
    engine: Engine,
    dev_env: WorkflowEnvironment,
    settings: Settings,
) -> None:
    # SPEC §6 and §7 together: no letter goes out, and no code stays good, for a space that no
    # longer exists.
    http = app.http
    me = await enroll(http, mail_sink, unique_email("close-adh"))
    requested = await http.post(
        f"{API}/me/adhesions", json={"company_identifier": "732 829 320"}, headers=me.auth
    )
    assert requested.status_code == 202, requested.text
    subscriber = SubscriberRepository(engine).by_email(me.email)
    assert subscriber is not None and subscriber.id is not None
    [adhesion] = AdhesionRepository(engine).listed(subscriber.id)
    # The first letter is posted (it went out while the space existed).
    await letter(letter_folder(settings), adhesion.id)
    await quiet(dev_env.client.get_workflow_handle(adhesion.workflow_id))
    letters_before = len(letters_of(letter_folder(settings), adhesion.id))

    closed = await delete_with_body(
        http, f"{API}/me", {"password": PASSWORD, "trust_answer": ANSWER}, me.auth
    )

    assert closed.status_code == 204, closed.text
    handle = dev_env.client.get_workflow_handle(adhesion.workflow_id)
    for _ in range(100):  # the withdrawn run ends right after answering the withdrawal
        described = await handle.describe()
        if described.status is not None and described.status.name != "RUNNING":
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail("the pending adhésion's workflow still runs after the space was closed")
    # Nothing in flight any more: no letter went out after the closing.
    await quiet(handle)
    assert len(letters_of(letter_folder(settings), adhesion.id)) == letters_before
    assert AdhesionRepository(engine).listed(subscriber.id) == []
