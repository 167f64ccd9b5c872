"""The second step at sign-in over HTTP (API.md "Account security", SPEC §9): the 202 and its
challenge, the e-mailed code, the recognised device, wrong codes and the lockout, the code's
expiry, a new code, SECOND_FACTOR=always, forgetting a device. The Temporal dev server, a real
worker, uvicorn on loopback, mail through the SMTP sink, the database of each kind."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink, text_of
from security.keyed_hash import KeyedHasher
from settings import SecondFactor, Settings
from tests.accounts import API, PASSWORD, Enrolled, complete_challenge, enroll, notice_to
from tests.integration.problems import fields, problem
from tests.live import LiveApp, LiveFactory
from tests.support import unique_email

SIX_DIGITS = re.compile(r"^(\d{6})\s*$", re.MULTILINE)
CODE_SUBJECT = "votre code de vérification"
NEW_BROWSER = "connexion depuis un nouveau navigateur"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


pytestmark = pytest.mark.usefixtures("account_password_never_echoed")


async def password(
    http: httpx.AsyncClient, email: str, device_token: str | None = None, agent: str = "Test/1.0"
) -> httpx.Response:
    body = {"email": email, "password": PASSWORD}
    if device_token is not None:
        body["device_token"] = device_token
    return await http.post(f"{API}/sessions", json=body, headers={"User-Agent": agent})


async def challenge(http: httpx.AsyncClient, email: str, agent: str = "Test/1.0") -> str:
    """The password from a client not recognised: 202 and the challenge's ID."""
    answered = await password(http, email, agent=agent)
    assert answered.status_code == 202, answered.text
    body = answered.json()
    assert set(body) == {"challenge_id", "method", "expires_at"}
    assert body["method"] == "email"
    assert TOKEN.fullmatch(body["challenge_id"])
    return str(body["challenge_id"])


async def code_mail(sink: MailSink, email: str, number: int = 1) -> EmailMessage:
    """The `number`-th sign-in code e-mail to `email`."""
    count, seen = 1, 0
    while True:
        message = await sink.message_to(email, count)
        if CODE_SUBJECT in str(message["Subject"]):
            seen += 1
            if seen == number:
                return message
        count += 1


async def challenged(
    http: httpx.AsyncClient, mail_sink: MailSink, label: str, agent: str = "Test/1.0"
) -> tuple[Enrolled, str, str]:
    """A new subscriber's password from a client not recognised: who they are, the challenge's
    ID, and the code e-mailed for it."""
    me = await enroll(http, mail_sink, unique_email(label))
    challenge_id = await challenge(http, me.email, agent)
    return me, challenge_id, code_in(await code_mail(mail_sink, me.email))


def code_in(message: EmailMessage) -> str:
    text = text_of(message)
    assert "http" not in text.lower()
    match = SIX_DIGITS.search(text)
    assert match, text
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# -- the step, passed ---------------------------------------------------------------------------


async def test_a_client_not_recognised_gets_202_and_the_emailed_code_opens_a_session(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    http = second_step_app.http
    firefox = "Mozilla/5.0 Firefox/140.0"
    me, challenge_id, code = await challenged(http, mail_sink, "step", agent=firefox)

    passed = await complete_challenge(http, challenge_id, code)

    assert passed.status_code == 201, passed.text
    body = passed.json()
    assert set(body) >= {"access_token", "token_type", "expires_at", "device_token"}
    assert body["token_type"] == "bearer"
    assert TOKEN.fullmatch(body["device_token"])
    assert body["device_token"] != me.device_token
    auth = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await http.get(f"{API}/me", headers=auth)).status_code == 200
    # The subscriber is told; the code is used up.
    text = await notice_to(mail_sink, me.email, NEW_BROWSER)
    assert "navigateur qui n'y était pas reconnu" in text
    assert (await complete_challenge(http, challenge_id, code)).status_code == 422
    # Recognised from now on: the password alone, and the same device token back.
    again = await password(http, me.email, body["device_token"])
    assert again.status_code == 201, again.text
    assert again.json()["device_token"] == body["device_token"]
    devices = (await http.get(f"{API}/me/devices", headers=auth)).json()
    assert len(devices) == 2  # the activating client and this one
    assert {"device_id", "browser", "first_seen", "last_seen"} == set(devices[0])
    assert "Firefox" in {d["browser"] for d in devices}


async def test_the_activating_client_is_recognised(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    me = await enroll(second_step_app.http, mail_sink, unique_email("activated"))
    assert TOKEN.fullmatch(me.device_token)

    signed_in = await password(second_step_app.http, me.email, me.device_token)

    assert signed_in.status_code == 201, signed_in.text
    assert signed_in.json()["device_token"] == me.device_token
    # A wrong password is 401 as before, recognised or not.
    refused = await second_step_app.http.post(
        f"{API}/sessions",
        json={"email": me.email, "password": "Faux2026xyz", "device_token": me.device_token},
    )
    problem(refused, 401)


# -- wrong codes, expiry, a new code --------------------------------------------------------------


async def test_wrong_codes_are_422_and_count_toward_the_sign_in_lockout(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    http = second_step_app.http
    me, challenge_id, code = await challenged(http, mail_sink, "wrong")

    for _ in range(5):  # SPEC §9: 5 tries; the sign-in lockout also locks after 5 failures
        problem(await complete_challenge(http, challenge_id, wrong(code)), 422, "invalid_code")

    void = await complete_challenge(http, challenge_id, code)
    problem(void, 429, "too_many_attempts")
    assert int(void.headers["Retry-After"]) >= 1
    # The wrong codes counted toward the lockout: even the password is refused now.
    problem(await password(http, me.email, me.device_token), 429, "too_many_attempts")


async def test_an_unknown_challenge_is_422(second_step_app: LiveApp) -> None:
    unknown = await complete_challenge(second_step_app.http, "A" * 43, "123456")
    problem(unknown, 422, "invalid_code")


async def test_the_code_expires_410(
    app_with: LiveFactory, mail_sink: MailSink, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    async with app_with(
        second_factor=SecondFactor.NEW_DEVICE, sign_in_code_window=timedelta(seconds=3)
    ) as app:
        http = app.http
        me, challenge_id, code = await challenged(http, mail_sink, "late")
        # The process ID is a keyed hash of the subscriber number.
        keyed = KeyedHasher(settings.identifier_hash_key)
        workflow_id = "sign-in-code-" + keyed.subscriber_digest(me.subscriber_number)
        # The process ends when its code expires: wait for that, not for luck.
        await dev_env.client.get_workflow_handle(workflow_id).result()

        late = await complete_challenge(http, challenge_id, code)

        problem(late, 410, "code_expired")


async def test_a_new_code_voids_the_previous_one(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    http = second_step_app.http
    me, challenge_id, first = await challenged(http, mail_sink, "resend")

    resent = await http.post(
        f"{API}/sessions/challenge/resend", json={"challenge_id": challenge_id}
    )

    assert resent.status_code == 202, resent.text
    assert resent.json()["challenge_id"] == challenge_id
    second = code_in(await code_mail(mail_sink, me.email, 2))
    if second != first:  # two codes drawn alike (1 in a million) void nothing visible
        problem(await complete_challenge(http, challenge_id, first), 422, "invalid_code")
    assert (await complete_challenge(http, challenge_id, second)).status_code == 201


async def test_a_new_sign_in_replaces_the_pending_challenge(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    http = second_step_app.http
    me = await enroll(http, mail_sink, unique_email("twice"))
    old = await challenge(http, me.email)
    await code_mail(mail_sink, me.email)
    new = await challenge(http, me.email)
    code = code_in(await code_mail(mail_sink, me.email, 2))

    problem(await complete_challenge(http, old, code), 422, "invalid_code")
    assert (await complete_challenge(http, new, code)).status_code == 201


# -- the request's fields -----------------------------------------------------------------------


async def test_a_malformed_second_step_is_422_invalid_fields(second_step_app: LiveApp) -> None:
    http = second_step_app.http
    both = await http.post(
        f"{API}/sessions/challenge",
        json={"challenge_id": "A" * 43, "code": "123456", "recovery_code": "abcde-fghjk"},
    )
    assert fields(both) == {"code": "code_or_recovery_code"}
    shapes = await http.post(
        f"{API}/sessions/challenge", json={"challenge_id": "court", "code": "12345"}
    )
    assert fields(shapes) == {"challenge_id": "invalid_format", "code": "invalid_format"}
    bad_device = await http.post(
        f"{API}/sessions", json={"email": "a@b.fr", "password": "x", "device_token": "?"}
    )
    assert fields(bad_device) == {"device_token": "invalid_format"}


# -- SECOND_FACTOR, forgetting a device ---------------------------------------------------------


async def test_second_factor_always_asks_even_a_recognised_client(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    async with app_with(second_factor=SecondFactor.ALWAYS) as app:
        me = await enroll(app.http, mail_sink, unique_email("always"))
        asked = await password(app.http, me.email, me.device_token)
        assert asked.status_code == 202, asked.text


async def test_second_factor_off_signs_in_with_the_password_alone(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    async with app_with(second_factor=SecondFactor.OFF) as app:
        me = await enroll(app.http, mail_sink, unique_email("off"))
        signed_in = await password(app.http, me.email)
        assert signed_in.status_code == 201, signed_in.text
        assert signed_in.json()["device_token"] is None


async def test_a_forgotten_device_is_asked_again(
    second_step_app: LiveApp, mail_sink: MailSink
) -> None:
    http = second_step_app.http
    me: Enrolled = await enroll(http, mail_sink, unique_email("forget"))
    listed = (await http.get(f"{API}/me/devices", headers=me.auth)).json()
    assert len(listed) == 1

    forgotten = await http.delete(f"{API}/me/devices/{listed[0]['device_id']}", headers=me.auth)

    assert forgotten.status_code == 204
    assert (await http.get(f"{API}/me/devices", headers=me.auth)).json() == []
    assert (await password(http, me.email, me.device_token)).status_code == 202
    problem(await http.delete(f"{API}/me/devices/{listed[0]['device_id']}", headers=me.auth), 404)
    problem(await http.get(f"{API}/me/devices"), 401)


async def test_a_challenge_outlives_the_api_process_that_asked_it(
    app_with: LiveFactory, mail_sink: MailSink
) -> None:
    """The challenge is in the database and its code in the workflow: another API process (the
    first one stopped) completes it."""
    async with app_with(second_factor=SecondFactor.NEW_DEVICE) as first:
        me = await enroll(first.http, mail_sink, unique_email("restart"))
        challenge_id = await challenge(first.http, me.email)
    code = code_in(await code_mail(mail_sink, me.email))

    async with app_with(second_factor=SecondFactor.NEW_DEVICE) as second:
        passed = await complete_challenge(second.http, challenge_id, code)

    assert passed.status_code == 201, passed.text
