"""Sign-in and sign-out over HTTP: identical refusals for an unknown identifier and a wrong
password, lockout with growing delays (429 + Retry-After) and its release, logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, event

from bench.hashing import hashing_by_operation
from security.passwords import SecretHasher
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.live import LiveApp, LiveFactory
from tests.support import FakeClock, fresh_hash_key, new_subscriber, unique_email

PASSWORD = "Secret2026"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def subscriber(engine: Engine, settings: Settings) -> str:
    """A subscriber straight in the database (the enrollment itself is tested elsewhere)."""
    email = unique_email("session")
    hasher = SecretHasher(settings)
    SubscriberRepository(engine).create_once(
        new_subscriber(
            email,
            password_hash=hasher.hash_sync(PASSWORD),
            answer_hash=hasher.hash_sync("tata"),
            terms_version=settings.terms_version,
        )
    )
    return email


async def sign_in(app: LiveApp, email: str, password: str) -> httpx.Response:
    return await app.http.post("/api/v1/sessions", json={"email": email, "password": password})


def shape(response: httpx.Response) -> tuple[int, dict[str, str], object]:
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "x-request-id")}
    return response.status_code, headers, response.json()


async def test_sign_in_and_logout(app: LiveApp, engine: Engine, settings: Settings) -> None:
    email = subscriber(engine, settings)
    signed_in = await sign_in(app, email.upper(), PASSWORD)
    assert signed_in.status_code == 201, signed_in.text
    assert signed_in.json()["token_type"] == "bearer"
    auth = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    assert (await app.http.get("/api/v1/me", headers=auth)).json()["email"] == email

    logout = await app.http.delete("/api/v1/sessions/current", headers=auth)

    assert logout.status_code == 204
    assert (await app.http.get("/api/v1/me", headers=auth)).status_code == 401
    assert (await app.http.delete("/api/v1/sessions/current", headers=auth)).status_code == 401
    assert (await app.http.delete("/api/v1/sessions/current")).status_code == 401


def hashing_counted(metrics: str) -> tuple[float, float]:
    """The API's argon2id verifications so far: how many, and their CPU seconds (read as the
    bench reads them)."""
    counted = hashing_by_operation(metrics)
    return counted.get("verify", 0.0), counted.get("verify_cpu_s", 0.0)


async def test_the_metrics_count_the_verifications_and_their_cpu(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    email = subscriber(engine, settings)
    calls, cpu = hashing_counted((await app.http.get("/metrics")).text)
    assert (await sign_in(app, email, PASSWORD)).status_code == 201
    assert (await sign_in(app, email, "Wrong2026")).status_code == 401
    metrics = (await app.http.get("/metrics")).text
    calls_after, cpu_after = hashing_counted(metrics)
    assert calls_after == calls + 2
    assert cpu_after > cpu
    assert "process_cpu_seconds_total " in metrics  # what the hashing's share is read against


async def test_unknown_identifier_and_wrong_password_look_the_same(
    app: LiveApp, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = subscriber(engine, settings)
    unknown = await sign_in(app, unique_email(), PASSWORD)
    wrong = await sign_in(app, email, "Wrong2026")
    assert unknown.status_code == 401
    assert shape(unknown) == shape(wrong)
    assert unknown.json()["code"] == "invalid_credentials"

    # Both pay for one argon2id verification, with the same parameters: an unknown identifier
    # is not told by its speed. Counted (the real verification runs), not timed: a loaded
    # machine is no stopwatch; bench/ measures the sign-in.
    verified = argon2_verifications(monkeypatch)
    await sign_in(app, email, "Wrong2026")
    known = list(verified)
    verified.clear()
    await sign_in(app, unique_email(), "Wrong2026")
    assert len(known) == 1 and verified == known, (known, verified)
    assert known[0][0] == "argon2id"


def argon2_verifications(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every argon2 verification from now on, as its hash's (variant, version, parameters)."""
    seen: list[tuple[str, ...]] = []
    verify = PasswordHasher.verify

    def counted(self: PasswordHasher, hashed: str | bytes, password: str | bytes) -> Literal[True]:
        text = hashed.decode() if isinstance(hashed, bytes) else hashed
        seen.append(tuple(text.split("$")[1:4]))
        return verify(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return seen


async def test_lockout_grows_and_is_released(
    app: LiveApp, engine: Engine, settings: Settings, clock: FakeClock
) -> None:
    email = subscriber(engine, settings)
    threshold = settings.sign_in_lockout_after
    delay = settings.sign_in_lockout_delay
    for _ in range(threshold):
        assert (await sign_in(app, email, "Wrong2026")).status_code == 401

    locked = await sign_in(app, email, PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.json()["code"] == "too_many_attempts"
    assert int(locked.headers["retry-after"]) == int(delay.total_seconds())
    # An unknown identifier locks the same way: the lock tells nothing about who exists.
    ghost = unique_email()
    for _ in range(threshold):
        await sign_in(app, ghost, "Wrong2026")
    assert shape(await sign_in(app, ghost, PASSWORD)) == shape(locked)

    # Released after the delay; one more failure locks again, twice as long.
    clock.advance(delay + timedelta(seconds=1))
    assert (await sign_in(app, email, "Wrong2026")).status_code == 401
    relocked = await sign_in(app, email, PASSWORD)
    assert int(relocked.headers["retry-after"]) == int(2 * delay.total_seconds())

    clock.advance(2 * delay + timedelta(seconds=1))
    assert (await sign_in(app, email, PASSWORD)).status_code == 201
    # Success forgets the failures: the next wrong password is a plain 401 again.
    assert (await sign_in(app, email, "Wrong2026")).status_code == 401
    assert (await sign_in(app, email, PASSWORD)).status_code == 201


async def test_sign_ins_are_limited_per_address(app_with: LiveFactory) -> None:
    async with app_with(sign_ins_per_address=3, identifier_hash_key=fresh_hash_key()) as app:
        statuses = [(await sign_in(app, unique_email(), "Wrong2026")).status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]


async def test_clean_sign_in_writes_no_lockout_reset(
    app: LiveApp, engine: Engine, settings: Settings
) -> None:
    """The reset after a success is only written when failures were on record."""
    email = subscriber(engine, settings)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert (await sign_in(app, email, PASSWORD)).status_code == 201
        clean = [s for s in statements if s.startswith("DELETE FROM attempt_counters")]
        assert (await sign_in(app, email, "Wrong2026")).status_code == 401
        statements.clear()
        assert (await sign_in(app, email, PASSWORD)).status_code == 201
        after_failure = [s for s in statements if s.startswith("DELETE FROM attempt_counters")]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert clean == []
    assert len(after_failure) == 1
