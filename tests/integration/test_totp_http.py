"""The authenticator app over HTTP (API.md "Account security", SPEC §9): enrolment, the first
code, the 10 recovery codes, the app's code at sign-in (once: no replay), a recovery code in its
place, turning it off. The API reads the time through a fixed clock that the tests move: codes
are those pyotp computes at that instant. The dev server, a real worker, uvicorn on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pyotp
import pytest

from devstack.mail_sink import MailSink
from tests.accounts import (
    API,
    PASSWORD,
    Enrolled,
    complete_challenge,
    delete_with_body,
    enroll,
    notice_to,
)
from tests.integration.problems import problem
from tests.live import LiveApp
from tests.support import FakeClock, unique_email

pytestmark = pytest.mark.usefixtures("account_password_never_echoed")


@pytest.fixture
def clock() -> FakeClock:
    """A fixed instant (the middle of a 30-second step), moved by hand."""
    fixed = FakeClock()
    fixed.now = datetime(2026, 12, 6, 9, 0, 15, tzinfo=UTC)
    return fixed


async def with_app(
    http: httpx.AsyncClient, mail_sink: MailSink, clock: FakeClock, label: str
) -> tuple[Enrolled, str, list[str]]:
    """A new subscriber who turned the app on: who they are, the app's key and the recovery
    codes."""
    me = await enroll(http, mail_sink, unique_email(label))
    started = await http.post(f"{API}/me/totp", headers=me.auth)
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    code = pyotp.TOTP(secret).at(clock.now)
    confirmed = await http.post(f"{API}/me/totp/confirm", json={"code": code}, headers=me.auth)
    assert confirmed.status_code == 200, confirmed.text
    return me, secret, confirmed.json()["recovery_codes"]


async def challenge(http: httpx.AsyncClient, email: str) -> str:
    answered = await http.post(f"{API}/sessions", json={"email": email, "password": PASSWORD})
    assert answered.status_code == 202, answered.text
    assert answered.json()["method"] == "totp"
    return str(answered.json()["challenge_id"])


async def test_enrolment_gives_the_key_then_ten_recovery_codes_once_confirmed(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    http = second_step_app.http
    me = await enroll(http, mail_sink, unique_email("totp"))

    started = await http.post(f"{API}/me/totp", headers=me.auth)

    assert started.status_code == 200, started.text
    body = started.json()
    assert set(body) == {"secret", "otpauth_uri"}
    assert len(body["secret"]) == 32  # 160 bits in base32
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    # Pending: a wrong first code is refused, nothing is on yet.
    totp = pyotp.TOTP(body["secret"])
    wrong = f"{(int(totp.at(clock.now)) + 1) % 1_000_000:06d}"
    refused = await http.post(f"{API}/me/totp/confirm", json={"code": wrong}, headers=me.auth)
    problem(refused, 422, "invalid_code")

    confirmed = await http.post(
        f"{API}/me/totp/confirm", json={"code": totp.at(clock.now)}, headers=me.auth
    )

    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "application d'authentification a été associée" in await notice_to(
        mail_sink, me.email, "application d'authentification activée"
    )
    # On: a second enrolment is refused.
    problem(await http.post(f"{API}/me/totp", headers=me.auth), 409)


async def test_sign_in_asks_the_apps_code_which_is_good_once(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    http = second_step_app.http
    me, secret, _ = await with_app(http, mail_sink, clock, "totpsign")
    await notice_to(mail_sink, me.email, "application d'authentification activée")
    mails_before = mail_sink.count_to(me.email)
    challenge_id = await challenge(http, me.email)
    used_code = pyotp.TOTP(secret).at(clock.now)  # the step the confirmation used

    replayed = await complete_challenge(http, challenge_id, used_code)

    problem(replayed, 422, "invalid_code")
    clock.advance(timedelta(seconds=30))
    passed = await complete_challenge(http, challenge_id, pyotp.TOTP(secret).at(clock.now))
    assert passed.status_code == 201, passed.text
    assert passed.json()["device_token"]
    await notice_to(mail_sink, me.email, "connexion depuis un nouveau navigateur")
    # No code e-mail went out (the app gives the code): only the new browser's notice.
    assert mail_sink.count_to(me.email) == mails_before + 1


async def test_the_apps_challenge_expires_after_ten_minutes(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    http = second_step_app.http
    me, secret, _ = await with_app(http, mail_sink, clock, "totplate")
    challenge_id = await challenge(http, me.email)

    clock.advance(timedelta(minutes=10))
    late = await complete_challenge(http, challenge_id, pyotp.TOTP(secret).at(clock.now))

    problem(late, 410, "code_expired")


async def test_a_recovery_code_opens_once_and_is_told(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    http = second_step_app.http
    me, _, codes = await with_app(http, mail_sink, clock, "recovery")
    first = await challenge(http, me.email)

    passed = await complete_challenge(http, first, recovery_code=codes[3].upper())

    assert passed.status_code == 201, passed.text
    text = await notice_to(mail_sink, me.email, "code de secours")
    assert "Il ne peut plus servir" in text
    second = await challenge(http, me.email)
    used = await complete_challenge(http, second, recovery_code=codes[3])
    problem(used, 422, "invalid_code")


async def test_turning_the_app_off_needs_the_password_and_a_current_code(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    http = second_step_app.http
    me, secret, _ = await with_app(http, mail_sink, clock, "totpoff")
    clock.advance(timedelta(seconds=30))
    code = pyotp.TOTP(secret).at(clock.now)

    wrong_password = await delete_with_body(
        http, f"{API}/me/totp", {"password": "Faux2026xyz", "code": code}, me.auth
    )
    problem(wrong_password, 403, "invalid_secret")
    wrong_code = await delete_with_body(
        http, f"{API}/me/totp", {"password": PASSWORD, "code": "000000"}, me.auth
    )
    if code != "000000":
        problem(wrong_code, 422, "invalid_code")

    off = await delete_with_body(
        http, f"{API}/me/totp", {"password": PASSWORD, "code": code}, me.auth
    )

    assert off.status_code == 204, off.text
    await notice_to(mail_sink, me.email, "application d'authentification désactivée")
    # Off: the second step goes back to the e-mailed code.
    answered = await http.post(f"{API}/sessions", json={"email": me.email, "password": PASSWORD})
    assert answered.status_code == 202
    assert answered.json()["method"] == "email"


async def test_the_key_and_the_recovery_codes_are_never_kept_for_a_retry(
    second_step_app: LiveApp, mail_sink: MailSink, clock: FakeClock
) -> None:
    """Idempotency-Key: an answer holding the app's key or the recovery codes is not stored
    (the same rule as for a session token): its retry is 409."""
    http = second_step_app.http
    me = await enroll(http, mail_sink, unique_email("totpkey"))
    keyed = me.auth | {"Idempotency-Key": "cle-totp-1"}
    started = await http.post(f"{API}/me/totp", headers=keyed)
    assert started.status_code == 200, started.text

    retried = await http.post(f"{API}/me/totp", headers=keyed)

    problem(retried, 409, "idempotent_answer_not_kept")
    code = pyotp.TOTP(started.json()["secret"]).at(clock.now)
    confirm_key = me.auth | {"Idempotency-Key": "cle-totp-2"}
    body = {"code": code}
    assert (await http.post(f"{API}/me/totp/confirm", json=body, headers=confirm_key)).is_success
    again = await http.post(f"{API}/me/totp/confirm", json=body, headers=confirm_key)
    problem(again, 409, "idempotent_answer_not_kept")
