"""The Account section of API.md over HTTP, flows with a code: « Mot de passe oublié ? » and
« Modifier mon adresse électronique ». Every answer the contract lists, against the Temporal dev
server, a real worker, uvicorn on loopback and the SMTP sink. The clocks are shortened through
the settings (the 30 minutes and 24 hours themselves are tested in tests/workflows)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from admin.cli import run
from devstack.mail_sink import MailSink
from security.keyed_hash import KeyedHasher
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.accounts import (
    ANSWER,
    API,
    NEW_PASSWORD,
    PASSWORD,
    Enrolled,
    enroll,
    notice_to,
    own_dev_server,
    sign_in,
    token_for,
)
from tests.integration.account_forms import change_body, reset_body
from tests.integration.problems import assert_never_echoed, fields, problem
from tests.live import LiveApp, LiveFactory
from tests.support import code_from, fresh_hash_key, identifiers, unique_email

SHORT = timedelta(seconds=3)


@pytest.fixture(scope="module")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """This module's own dev server (tests.accounts.own_dev_server): its deletions stay here."""
    async with own_dev_server(base_settings) as env:
        yield env


@pytest.fixture
async def short_app(app_with: LiveFactory) -> AsyncIterator[LiveApp]:
    """Codes valid a few seconds: their expiry is seen over HTTP."""
    async with app_with(password_reset_window=SHORT, email_change_window=SHORT) as live:
        yield live


@pytest.fixture(autouse=True)
def secrets_never_echoed(responses: list[httpx.Response]) -> Iterator[None]:
    yield
    assert_never_echoed(responses, PASSWORD, NEW_PASSWORD, ANSWER)


def wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


async def reset_code(app: LiveApp, sink: MailSink, email: str) -> str:
    before = sink.count_to(email)
    asked = await app.http.post(f"{API}/password-resets", json={"email": email})
    assert asked.status_code == 202 and asked.json() == {}
    return code_from(await sink.message_to(email, before + 1))


async def change_code(app: LiveApp, sink: MailSink, me: Enrolled, new_email: str) -> str:
    before = sink.count_to(new_email)
    requested = await app.http.post(
        f"{API}/me/email-change", json=change_body(new_email), headers=me.auth
    )
    assert requested.status_code == 202, requested.text
    body = requested.json()
    assert body["new_email"] == new_email
    assert datetime.fromisoformat(body["expires_at"]).tzinfo is not None
    return code_from(await sink.message_to(new_email, before + 1))


# -- POST /password-resets ----------------------------------------------------------------------


async def test_reset_request_202_the_same_for_anyone(app: LiveApp, mail_sink: MailSink) -> None:
    me = await enroll(app.http, mail_sink, unique_email("reset"))
    known = await app.http.post(f"{API}/password-resets", json={"email": me.email})
    ghost = unique_email("ghost")
    unknown = await app.http.post(f"{API}/password-resets", json={"email": ghost})
    malformed = await app.http.post(f"{API}/password-resets", json={"email": "pas une adresse"})
    for response in (known, unknown, malformed):
        assert response.status_code == 202 and response.json() == {}
    assert set(known.headers) - {"date", "x-request-id"} == set(unknown.headers) - {
        "date",
        "x-request-id",
    }
    await mail_sink.message_to(me.email, 2)  # the activation code, then the reset code
    assert mail_sink.count_to(ghost) == 0


async def test_reset_requests_are_limited_per_identifier_and_per_address(
    app_with: LiveFactory,
) -> None:
    async with app_with(
        password_resets_per_identifier=2,
        password_resets_per_address=3,
        identifier_hash_key=fresh_hash_key(),
    ) as app:
        email = unique_email("limit")
        statuses = [
            (await app.http.post(f"{API}/password-resets", json={"email": email})).status_code
            for _ in range(3)
        ]
        assert statuses == [202, 202, 429]
        other = await app.http.post(f"{API}/password-resets", json={"email": unique_email()})
        blocked = problem(other, 429, "too_many_attempts")  # the address's 4th request
        assert blocked and int(other.headers["retry-after"]) > 0


async def test_reset_attempts_and_email_changes_are_limited(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    async with app_with(
        reset_attempts_per_identifier=2,
        reset_attempts_per_address=3,
        email_changes_per_identifier=1,
        code_emails_per_recipient=1,
        identifier_hash_key=fresh_hash_key(),
    ) as app:
        url = f"{API}/password-resets/complete"
        email = unique_email("limit")
        statuses = [
            (await app.http.post(url, json=reset_body(email, "Abcdefgh1234"))).status_code
            for _ in range(3)
        ]
        assert statuses == [422, 422, 429]
        other = await app.http.post(url, json=reset_body(unique_email(), "Abcdefgh1234"))
        problem(other, 429, "too_many_attempts")  # the address's 4th attempt

        me = await enroll(app.http, mail_sink, unique_email("moi"))
        first = await app.http.post(
            f"{API}/me/email-change", json=change_body(unique_email()), headers=me.auth
        )
        assert first.status_code == 202
        second = await app.http.post(
            f"{API}/me/email-change", json=change_body(unique_email()), headers=me.auth
        )
        problem(second, 429, "too_many_attempts")
        # Code e-mails to one recipient are limited whoever asks: no mail-bombing a third party.
        target = unique_email("cible")
        first_asker = await enroll(app.http, mail_sink, unique_email("un"))
        second_asker = await enroll(app.http, mail_sink, unique_email("deux"))
        assert (
            await app.http.post(
                f"{API}/me/email-change", json=change_body(target), headers=first_asker.auth
            )
        ).status_code == 202
        third = await app.http.post(
            f"{API}/me/email-change", json=change_body(target), headers=second_asker.auth
        )
        problem(third, 429, "too_many_attempts")


# -- POST /password-resets/complete -------------------------------------------------------------


async def test_reset_complete_204_ends_every_session(app: LiveApp, mail_sink: MailSink) -> None:
    me = await enroll(app.http, mail_sink, unique_email("reset"))
    other = await token_for(app.http, me.email, PASSWORD, "Autre")
    code = await reset_code(app, mail_sink, me.email)
    # Asking for a code changes nothing yet: the password and the sessions still work.
    assert (await app.http.get(f"{API}/me", headers=me.auth)).status_code == 200
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 201

    done = await app.http.post(f"{API}/password-resets/complete", json=reset_body(me.email, code))

    assert done.status_code == 204, done.text
    for token in (me.token, other):
        headers = {"Authorization": f"Bearer {token}"}
        assert (await app.http.get(f"{API}/me", headers=headers)).status_code == 401
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 401
    assert (await sign_in(app.http, me.email, NEW_PASSWORD)).status_code == 201
    await notice_to(mail_sink, me.email, "mot de passe a été réinitialisé")


async def test_reset_complete_422_fields_first_then_one_answer_then_429(
    app: LiveApp, mail_sink: MailSink, settings: Settings
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("reset"))
    code = await reset_code(app, mail_sink, me.email)
    url = f"{API}/password-resets/complete"

    bad_password = reset_body(me.email, wrong(code)) | {"new_password": "court é"}
    assert fields(await app.http.post(url, json=bad_password)) == {
        "new_password": "password_invalid_characters",
        "new_password_confirmation": "password_mismatch",
    }
    assert fields(await app.http.post(url, json={})) == {
        "email": "required",
        "code": "required",
        "trust_answer": "required",
        "new_password": "required",
        "new_password_confirmation": "required",
    }

    answers = [
        await app.http.post(url, json=reset_body(me.email, wrong(code))),
        await app.http.post(url, json=reset_body(me.email, code, answer="toto")),
        await app.http.post(url, json=reset_body(unique_email("ghost"), code)),
        await app.http.post(url, json=reset_body(me.email, "trop court")),
    ]
    bodies = [problem(response, 422, "invalid_reset") for response in answers]
    assert all(body == bodies[0] for body in bodies)

    for _ in range(settings.max_code_attempts - 2):  # two wrong tries were counted above
        problem(
            await app.http.post(url, json=reset_body(me.email, wrong(code))), 422, "invalid_reset"
        )
    void = await app.http.post(url, json=reset_body(me.email, code))
    problem(void, 429, "too_many_attempts")
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 201  # unchanged


async def test_reset_complete_422_once_the_code_expired(
    short_app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(short_app.http, mail_sink, unique_email("reset"))
    code = await reset_code(short_app, mail_sink, me.email)
    await asyncio.sleep(SHORT.total_seconds() + 1)
    late = await short_app.http.post(
        f"{API}/password-resets/complete", json=reset_body(me.email, code)
    )
    problem(late, 422, "invalid_reset")


# -- POST /me/email-change ----------------------------------------------------------------------


async def test_email_change_202_then_confirm_200_with_the_new_identifier(
    app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("ancienne"))
    other = await token_for(app.http, me.email, PASSWORD, "Autre")
    new = unique_email("nouvelle")
    code = await change_code(app, mail_sink, me, new)
    # Not before the code: the old address signs in, the other session still works.
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 201
    other_headers = {"Authorization": f"Bearer {other}"}
    assert (await app.http.get(f"{API}/me", headers=other_headers)).status_code == 200

    confirmed = await app.http.post(
        f"{API}/me/email-change/confirm", json={"code": code}, headers=me.auth
    )

    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == new and confirmed.json()["contact"]["email"] == new
    assert (await app.http.get(f"{API}/me", headers=me.auth)).json()["email"] == new
    assert (await app.http.get(f"{API}/me", headers=other_headers)).status_code == 401
    assert (await sign_in(app.http, me.email, PASSWORD)).status_code == 401
    assert (await sign_in(app.http, new, PASSWORD)).status_code == 201
    await notice_to(mail_sink, me.email, "identifiant a été modifié")
    # The old address is free again; the new one is taken.
    taken = await app.http.post(f"{API}/enrollments", json=identifiers(new, PASSWORD))
    problem(taken, 409, "already_subscribed")
    assert (
        await app.http.post(f"{API}/enrollments", json=identifiers(me.email, PASSWORD))
    ).status_code == 201


async def test_email_change_403_409_422(app: LiveApp, mail_sink: MailSink) -> None:
    me = await enroll(app.http, mail_sink, unique_email("moi"))
    other = await enroll(app.http, mail_sink, unique_email("autre"))
    url = f"{API}/me/email-change"

    problem(
        await app.http.post(url, json=change_body(unique_email(), answer="toto"), headers=me.auth),
        403,
        "invalid_secret",
    )
    problem(
        await app.http.post(url, json=change_body(other.email), headers=me.auth), 409, "email_taken"
    )
    pending = unique_email("en-cours")
    started = await app.http.post(f"{API}/enrollments", json=identifiers(pending, PASSWORD))
    assert started.status_code == 201
    problem(
        await app.http.post(url, json=change_body(pending), headers=me.auth), 409, "email_taken"
    )
    mismatch = change_body("pas une adresse") | {"new_email_confirmation": "autre@exemple.fr"}
    assert fields(await app.http.post(url, json=mismatch, headers=me.auth)) == {
        "new_email": "invalid_email",
        "new_email_confirmation": "email_mismatch",
    }
    assert fields(await app.http.post(url, json={}, headers=me.auth)) == {
        "password": "required",
        "trust_answer": "required",
        "new_email": "required",
        "new_email_confirmation": "required",
    }


# -- POST /me/email-change/confirm --------------------------------------------------------------


async def test_email_change_confirm_404_422_429(
    app: LiveApp, mail_sink: MailSink, settings: Settings
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("moi"))
    url = f"{API}/me/email-change/confirm"
    problem(
        await app.http.post(url, json={"code": "Abcdefgh1234"}, headers=me.auth), 404, "not_found"
    )

    code = await change_code(app, mail_sink, me, unique_email("nouvelle"))
    for _ in range(settings.max_code_attempts):
        problem(
            await app.http.post(url, json={"code": wrong(code)}, headers=me.auth),
            422,
            "invalid_code",
        )
    problem(
        await app.http.post(url, json={"code": code}, headers=me.auth), 429, "too_many_attempts"
    )


async def test_email_change_confirm_410_once_the_code_expired(
    short_app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(short_app.http, mail_sink, unique_email("moi"))
    code = await change_code(short_app, mail_sink, me, unique_email("nouvelle"))
    await asyncio.sleep(SHORT.total_seconds() + 1)
    late = await short_app.http.post(
        f"{API}/me/email-change/confirm", json={"code": code}, headers=me.auth
    )
    problem(late, 410, "code_expired")
    me_now = (await short_app.http.get(f"{API}/me", headers=me.auth)).json()
    assert me_now["email"] == me.email


# -- what follows the identifier ----------------------------------------------------------------


async def _gone(env: WorkflowEnvironment, workflow_id: str, run_id: str = "") -> bool:
    """Deletions are asynchronous on the dev server (a system workflow does them, seconds to a
    minute on a busy machine): poll until the run is gone."""
    for _ in range(1800):
        try:
            await env.client.get_workflow_handle(workflow_id, run_id=run_id or None).describe()
        except RPCError as error:
            assert error.status is RPCStatusCode.NOT_FOUND
            return True
        await asyncio.sleep(0.1)
    return False


async def test_closing_the_space_drops_pending_codes_and_their_runs(
    app: LiveApp, mail_sink: MailSink, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("fermeture"))
    reset = await reset_code(app, mail_sink, me.email)
    new = unique_email("nouvelle")
    change = await change_code(app, mail_sink, me, new)

    closed = await app.http.request(
        "DELETE", f"{API}/me", json={"password": PASSWORD, "trust_answer": ANSWER}, headers=me.auth
    )
    assert closed.status_code == 204, closed.text

    keyed = KeyedHasher(settings.identifier_hash_key)
    assert await _gone(dev_env, "password-reset-" + keyed.identifier_digest(me.email))
    assert await _gone(dev_env, "email-change-" + keyed.subscriber_digest(me.subscriber_number))
    late = await app.http.post(f"{API}/password-resets/complete", json=reset_body(me.email, reset))
    problem(late, 422, "invalid_reset")
    # The code sent to the new address before the closing changes nothing: the session that
    # asked for it ended with the space, and the new address is no identifier.
    late_change = await app.http.post(
        f"{API}/me/email-change/confirm", json={"code": change}, headers=me.auth
    )
    problem(late_change, 401, "unauthorized")
    assert (await sign_in(app.http, new, PASSWORD)).status_code == 401


async def test_the_ops_erase_finds_the_enrollment_after_an_address_change(
    app: LiveApp,
    mail_sink: MailSink,
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
) -> None:
    me = await enroll(app.http, mail_sink, unique_email("ancienne"))
    enrolled = SubscriberRepository(engine).by_email(me.email)
    assert enrolled is not None
    workflow_id, _, run_id = enrolled.enrollment_key.partition("/")
    new = unique_email("nouvelle")
    code = await change_code(app, mail_sink, me, new)
    confirmed = await app.http.post(
        f"{API}/me/email-change/confirm", json={"code": code}, headers=me.auth
    )
    assert confirmed.status_code == 200

    out = io.StringIO()
    status = await run(
        ["erase-subscriber", new], settings, client=dev_env.client, engine=engine, out=out
    )

    assert status == 0 and "subscriber_erased: yes" in out.getvalue()
    assert await _gone(dev_env, workflow_id, run_id)
    assert SubscriberRepository(engine).is_retired(me.subscriber_number)
