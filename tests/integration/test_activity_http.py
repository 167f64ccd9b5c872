"""`GET /api/v1/me/activity` (API.md « Account security »): what each flow records, over HTTP —
the real API on loopback, a real worker, the Temporal dev server, the SMTP sink, the letters
folder and the database of each kind. Sign-ins (succeeded, refused, locked), the password changed
and reset, the e-mail and the contact details changed, sessions ended, adhésions requested,
activated and ended: newest first, with the browser's name and the client's network only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine

from devstack.mail_sink import MailSink, text_of
from services.security_events import EventRecorder
from settings import Settings
from tests.accounts import API, NEW_PASSWORD, PASSWORD, bearer, make_subscriber
from tests.integration.account_forms import change_body, password_change, reset_body
from tests.invitations import acceptance_body, invitation_body, invitation_code, service_client
from tests.letters import code_in, letter, letter_folder
from tests.live import LiveApp, LiveFactory, pre_register_and_confirm
from tests.support import code_from, details, unique_email

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
SIX_DIGITS = re.compile(r"^(\d{6})\s*$", re.MULTILINE)  # the second step's e-mailed code
LOOPBACK = "127.0.0.0/24"  # the live app listens on 127.0.0.1: its callers' network


async def sign_in(http: httpx.AsyncClient, email: str, password: str, agent: str) -> httpx.Response:
    body = {"email": email, "password": password}
    return await http.post(f"{API}/sessions", json=body, headers={"User-Agent": agent})


async def activity(http: httpx.AsyncClient, token: str) -> list[dict[str, str]]:
    answered = await http.get(f"{API}/me/activity", headers=bearer(token))
    assert answered.status_code == 200, answered.text
    items: list[dict[str, str]] = answered.json()
    return items


def types(items: list[dict[str, str]]) -> list[str]:
    return [item["type"] for item in items]


async def test_sign_ins_changes_and_sessions_newest_first(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    http = app.http
    email = unique_email("activite")
    make_subscriber(engine, settings, email)
    started = datetime.now(UTC)

    first = await sign_in(http, email, PASSWORD, FIREFOX)
    assert first.status_code == 201, first.text
    token = first.json()["access_token"]
    assert (await sign_in(http, email, "Mauvais2026", EDGE)).status_code == 401
    contact = await http.patch(
        f"{API}/me/contact",
        json={"city": "Lyon", "postal_code": "69003"},
        headers={**bearer(token), "User-Agent": FIREFOX},
    )
    assert contact.status_code == 200, contact.text
    changed = await http.put(
        f"{API}/me/password",
        json=password_change(),
        headers={**bearer(token), "User-Agent": FIREFOX},
    )
    assert changed.status_code == 204, changed.text
    assert (await sign_in(http, email, NEW_PASSWORD, EDGE)).status_code == 201
    ended = await http.delete(
        f"{API}/me/sessions", headers={**bearer(token), "User-Agent": FIREFOX}
    )
    assert ended.status_code == 204

    items = await activity(http, token)

    assert types(items) == [
        "session_ended",
        "sign_in",
        "password_changed",
        "contact_changed",
        "sign_in_refused",
        "sign_in",
    ]
    assert [item["browser"] for item in items] == [
        "Firefox sur Linux",
        "Microsoft Edge sur Windows",
        "Firefox sur Linux",
        "Firefox sur Linux",
        "Microsoft Edge sur Windows",
        "Firefox sur Linux",
    ]
    assert {item["network"] for item in items} == {LOOPBACK}
    moments = [datetime.fromisoformat(item["at"]) for item in items]
    assert all(moment.utcoffset() is not None for moment in moments)
    assert moments == sorted(moments, reverse=True)
    assert started - timedelta(seconds=1) <= moments[-1] <= moments[0] <= datetime.now(UTC)
    assert all(set(item) == {"type", "at", "browser", "network"} for item in items)
    # Neither the raw header nor the full address is kept.
    assert "Gecko" not in str(items) and "127.0.0.1" not in str(items)


async def test_an_activation_and_an_accepted_invitation_are_sign_ins(
    app: LiveApp, engine: Engine, settings: Settings, mail_sink: MailSink
) -> None:
    """Both open the new subscriber's first session: the activity starts with that sign-in,
    from the browser that proved the address."""
    http = app.http
    activated_email = unique_email("activite-activation")
    _, code = await pre_register_and_confirm(http, mail_sink, activated_email, PASSWORD, details())
    activated = await http.post(
        f"{API}/activations",
        json={"email": activated_email, "code": code},
        headers={"User-Agent": FIREFOX},
    )
    assert activated.status_code == 201, activated.text

    invited_email = unique_email("activite-invitation")
    service = service_client(engine, settings)
    invited = await http.post(
        f"{API}/invitations",
        json=invitation_body(invited_email, "crm-activite"),
        headers=service.auth,
    )
    assert invited.status_code == 201, invited.text
    invitation = await invitation_code(mail_sink, invited_email)
    accepted = await http.post(
        f"{API}/invitations/accept",
        json={"email": invited_email, "code": invitation, **acceptance_body()},
        headers={"User-Agent": EDGE},
    )
    assert accepted.status_code == 201, accepted.text

    first = await activity(http, activated.json()["access_token"])
    assert [(i["type"], i["browser"], i["network"]) for i in first] == [
        ("sign_in", "Firefox sur Linux", LOOPBACK)
    ]
    second = await activity(http, accepted.json()["access_token"])
    assert [(i["type"], i["browser"], i["network"]) for i in second] == [
        ("sign_in", "Microsoft Edge sur Windows", LOOPBACK)
    ]


async def test_the_failure_that_locks_is_told(
    app_with: LiveFactory, engine: Engine, settings: Settings
) -> None:
    email = unique_email("verrou")
    make_subscriber(engine, settings, email)
    async with app_with(sign_in_lockout_after=2) as app:
        token = (await sign_in(app.http, email, PASSWORD, FIREFOX)).json()["access_token"]
        assert (await sign_in(app.http, email, "Mauvais2026", EDGE)).status_code == 401
        assert (await sign_in(app.http, email, "Mauvais2026", EDGE)).status_code == 401
        assert (await sign_in(app.http, email, PASSWORD, EDGE)).status_code == 429  # locked

        assert types(await activity(app.http, token)) == [
            "sign_in_locked",
            "sign_in_refused",
            "sign_in_refused",
            "sign_in",
        ]


async def test_an_unknown_identifier_records_nothing_anywhere(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    email = unique_email("seul")
    make_subscriber(engine, settings, email)
    token = (await sign_in(app.http, email, PASSWORD, FIREFOX)).json()["access_token"]
    assert (await sign_in(app.http, unique_email("inconnu"), PASSWORD, EDGE)).status_code == 401
    assert types(await activity(app.http, token)) == ["sign_in"]


async def test_a_reset_and_an_e_mail_change_are_told_by_the_activity_that_made_them(
    app: LiveApp, engine: Engine, settings: Settings, mail_sink: MailSink
) -> None:
    http = app.http
    email = unique_email("codes")
    make_subscriber(engine, settings, email)
    asked = await http.post(f"{API}/password-resets", json={"email": email})
    assert asked.status_code == 202
    code = code_from(await mail_sink.message_to(email, 1))
    done = await http.post(
        f"{API}/password-resets/complete",
        json=reset_body(email, code),
        headers={"User-Agent": EDGE},
    )
    assert done.status_code == 204, done.text
    token = (await sign_in(http, email, NEW_PASSWORD, FIREFOX)).json()["access_token"]
    new_email = unique_email("nouvelle")
    requested = await http.post(
        f"{API}/me/email-change",
        json=change_body(new_email, password=NEW_PASSWORD),
        headers=bearer(token),
    )
    assert requested.status_code == 202, requested.text
    change_code = code_from(await mail_sink.message_to(new_email, 1))
    confirmed = await http.post(
        f"{API}/me/email-change/confirm",
        json={"code": change_code},
        headers={**bearer(token), "User-Agent": FIREFOX},
    )
    assert confirmed.status_code == 200, confirmed.text

    items = await activity(http, token)

    assert types(items) == ["email_changed", "sign_in", "password_reset"]
    assert [(i["browser"], i["network"]) for i in items] == [
        ("Firefox sur Linux", LOOPBACK),
        ("Firefox sur Linux", LOOPBACK),
        ("Microsoft Edge sur Windows", LOOPBACK),
    ]


async def test_adhesions_requested_activated_and_ended(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    http = app.http
    email = unique_email("adhesions")
    make_subscriber(engine, settings, email)
    token = (await sign_in(http, email, PASSWORD, FIREFOX)).json()["access_token"]
    auth = {**bearer(token), "User-Agent": EDGE}
    created = await http.post(
        f"{API}/me/adhesions", json={"company_identifier": "732 829 320"}, headers=auth
    )
    assert created.status_code == 202, created.text
    adhesion_id = created.json()["adhesion_id"]
    code = code_in(await letter(letter_folder(settings), adhesion_id))
    activated = await http.post(
        f"{API}/me/adhesions/{adhesion_id}/activate", json={"code": code}, headers=auth
    )
    assert activated.status_code == 200, activated.text
    ended = await http.delete(f"{API}/me/adhesions/{adhesion_id}", headers=auth)
    assert ended.status_code == 204

    items = await activity(http, token)

    assert types(items) == [
        "adhesion_ended",
        "adhesion_activated",
        "adhesion_requested",
        "sign_in",
    ]
    assert {i["browser"] for i in items[:3]} == {"Microsoft Edge sur Windows"}


async def test_activity_needs_a_session(app: LiveApp) -> None:
    answered = await app.http.get(f"{API}/me/activity")
    assert answered.status_code == 401
    assert answered.headers["content-type"].startswith("application/problem+json")


async def test_a_wrong_second_step_is_a_refused_sign_in_and_may_lock(
    app_with: LiveFactory, engine: Engine, settings: Settings, mail_sink: MailSink
) -> None:
    """The right password from an unknown browser, then wrong codes: someone has the password,
    and the activity says so."""
    email = unique_email("second")
    subscriber = make_subscriber(engine, settings, email)
    assert subscriber.id is not None
    async with app_with(second_factor="new_device", sign_in_lockout_after=2) as app:
        started = await sign_in(app.http, email, PASSWORD, EDGE)
        assert started.status_code == 202, started.text
        challenge = started.json()["challenge_id"]
        sent = SIX_DIGITS.search(text_of(await mail_sink.message_to(email)))
        assert sent is not None
        not_it = f"{(int(sent.group(1)) + 1) % 1_000_000:06d}"
        for _ in range(2):
            wrong = await app.http.post(
                f"{API}/sessions/challenge",
                json={"challenge_id": challenge, "code": not_it},
                headers={"User-Agent": EDGE},
            )
            assert wrong.status_code == 422, wrong.text

    events = EventRecorder(engine).activity(subscriber.id)
    assert [(e.type.value, e.browser) for e in events] == [
        ("sign_in_locked", "Microsoft Edge sur Windows"),
        ("sign_in_refused", "Microsoft Edge sur Windows"),
        ("sign_in_refused", "Microsoft Edge sur Windows"),
    ]
