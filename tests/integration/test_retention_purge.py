"""The retention purge's rules on SQLite and PostgreSQL (a database of its own, migrated from
empty): for each table, a row one minute past its limit goes and a row one minute short of it
stays — through the real activity, in batches of two — and `admin purge --dry-run` counts
exactly what the purge then deletes."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.inputs import PurgeTable
from activities.retention import RetentionActivities
from admin.cli import run
from domain.retention import RetentionTable
from domain.security_events import EventType
from settings import Settings
from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.retention import RetentionRepository
from storage.tables import (
    CodeDelivery,
    Device,
    IdempotentRequest,
    SecurityEvent,
    SessionToken,
    SignInChallenge,
)
from tests.accounts import make_subscriber
from tests.support import unique_email

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
# SPEC §9's limits, written out: 30 days; 12 months; a code may be valid 60 days.
DAYS_30 = 30 * DAY
MONTHS_12 = 365 * DAY
DEVICE_LIFE = 30 * DAY
LONGEST_CODE = 60 * DAY


@pytest.fixture
def fresh(empty_url: str) -> Iterator[Engine]:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def delivery(
    process_id: str, created_at: datetime, sent_at: datetime | None = None
) -> CodeDelivery:
    """A code's delivery: sent by e-mail when `sent_at` is given, else a letter still sending."""
    return CodeDelivery(
        process_id=process_id,
        run_id="r",
        generation=1,
        purpose="p",
        channel="email" if sent_at else "letter",
        state="sent" if sent_at else "sending",
        message_id="m",
        created_at=created_at,
        sent_at=sent_at,
    )


def fill(
    engine: Engine, settings: Settings, now: datetime = NOW, margin: timedelta = MINUTE
) -> int:
    """Rows on both sides of every limit as of `now`, `margin` away from it; returns the
    subscriber's ID."""
    subscriber = make_subscriber(engine, settings, unique_email("retention"))
    owner = subscriber.id
    assert owner is not None
    just_out, just_in = -margin, margin  # past the limit by the margin; short of it by as much
    # One sign-in challenge per subscriber: the second waits on another subscriber.
    other = make_subscriber(engine, settings, unique_email("retention")).id
    assert other is not None
    rows: list[object] = []
    for name, shift, waiting in (("out", just_out, owner), ("in", just_in, other)):
        rows += [
            delivery(f"sent-{name}", now - DAYS_30 + shift - DAY, sent_at=now - DAYS_30 + shift),
            delivery(f"sending-{name}", now - DAYS_30 - LONGEST_CODE + shift),
            IdempotentRequest(
                key_digest=f"key-{name}",
                fingerprint="f",
                state="done",
                expires_at=now - DAYS_30 + shift,
            ),
            SessionToken(
                token_digest=f"session-{name}",
                subscriber_id=owner,
                expires_at=now - DAYS_30 + shift,
            ),
            Device(
                token_digest=f"forgotten-{name}",
                subscriber_id=owner,
                first_seen=now - 40 * DAY,
                last_seen=now - 40 * DAY,
                forgotten_at=now - DAYS_30 + shift,
            ),
            Device(
                token_digest=f"unseen-{name}",
                subscriber_id=owner,
                first_seen=now - 90 * DAY,
                last_seen=now - DAYS_30 - DEVICE_LIFE + shift,
            ),
            SecurityEvent(subscriber_id=owner, type=EventType.SIGN_IN, at=now - MONTHS_12 + shift),
            SignInChallenge(
                subscriber_id=waiting,
                challenge_digest=f"challenge-{name}",
                method="email",
                created_at=now - DAYS_30 + shift - 10 * MINUTE,
                expires_at=now - DAYS_30 + shift,
            ),
        ]
    # A sending delivery only 31 days old: its code may still be valid, it stays.
    rows.append(delivery("sending-young", now - DAYS_30 - DAY))
    with session_scope(engine) as session:
        session.add_all(rows)
    return owner


def left(engine: Engine, column: str) -> list[str]:
    with Session(engine) as session:
        return sorted(str(v) for v in session.execute(select(col(column))).scalars())


def purge(engine: Engine, table: RetentionTable, keep: timedelta) -> int:
    activities = RetentionActivities(RetentionRepository(engine))
    request = PurgeTable(table=table, now=NOW, keep=keep, device_lifetime=DEVICE_LIFE, batch_size=2)
    counted = ActivityEnvironment().run(activities.purge_table, request)
    assert counted.table is table
    return counted.deleted


def test_each_limit_deletes_just_past_it_and_keeps_just_short_of_it(
    fresh: Engine, settings: Settings
) -> None:
    fill(fresh, settings)
    repository = RetentionRepository(fresh)
    limits = {
        RetentionTable.CODE_DELIVERIES: DAYS_30,
        RetentionTable.IDEMPOTENT_REQUESTS: DAYS_30,
        RetentionTable.SESSION_TOKENS: DAYS_30,
        RetentionTable.DEVICES: DAYS_30,
        RetentionTable.SECURITY_EVENTS: MONTHS_12,
        RetentionTable.SIGN_IN_CHALLENGES: DAYS_30,
    }
    expected = {
        RetentionTable.CODE_DELIVERIES: 2,
        RetentionTable.IDEMPOTENT_REQUESTS: 1,
        RetentionTable.SESSION_TOKENS: 1,
        RetentionTable.DEVICES: 2,
        RetentionTable.SECURITY_EVENTS: 1,
        RetentionTable.SIGN_IN_CHALLENGES: 1,
    }
    counted = {t: repository.count(t, NOW, keep, DEVICE_LIFE) for t, keep in limits.items()}
    assert counted == expected

    assert {t: purge(fresh, t, keep) for t, keep in limits.items()} == expected

    assert left(fresh, CodeDelivery.process_id) == ["sending-in", "sending-young", "sent-in"]
    assert left(fresh, IdempotentRequest.key_digest) == ["key-in"]
    assert left(fresh, SessionToken.token_digest) == ["session-in"]
    assert left(fresh, Device.token_digest) == ["forgotten-in", "unseen-in"]
    assert left(fresh, SignInChallenge.challenge_digest) == ["challenge-in"]
    with Session(fresh) as session:
        ages = session.execute(select(col(SecurityEvent.at))).scalars().all()
    assert [NOW - at for at in ages] == [MONTHS_12 - MINUTE]
    # A second run finds nothing left to delete.
    assert {t: purge(fresh, t, keep) for t, keep in limits.items()} == dict.fromkeys(limits, 0)


def test_batches_go_on_until_none_is_left(fresh: Engine, settings: Settings) -> None:
    owner = fill(fresh, settings)
    with session_scope(fresh) as session:
        session.add_all(
            SecurityEvent(subscriber_id=owner, type=EventType.SIGN_IN, at=NOW - 400 * DAY)
            for _ in range(7)
        )
    assert purge(fresh, RetentionTable.SECURITY_EVENTS, MONTHS_12) == 8  # 4 batches of 2
    with Session(fresh) as session:
        assert session.execute(select(func.count()).select_from(SecurityEvent)).scalar_one() == 1


async def test_admin_dry_run_counts_what_the_purge_would_delete(
    fresh: Engine, settings: Settings, dev_env: WorkflowEnvironment
) -> None:
    # Counted as of the moment the command runs: an hour's margin either side of each limit.
    fill(fresh, settings, now=datetime.now(UTC), margin=timedelta(hours=1))
    out = io.StringIO()
    # A task queue with no schedule: counted as of now.
    lonely = settings.model_copy(update={"temporal_task_queue": unique_email("q")})
    code = await run(["purge", "--dry-run"], lonely, client=dev_env.client, engine=fresh, out=out)

    assert code == 0
    shown = json.loads(out.getvalue())
    assert shown["next_run"] is None
    assert shown["would_delete"] == {
        "code_deliveries": 2,
        "idempotent_requests": 1,
        "session_tokens": 1,
        "devices": 2,
        "security_events": 1,
        "sign_in_challenges": 1,
    }
    with Session(fresh) as session:  # nothing was deleted
        assert session.execute(select(func.count()).select_from(Device)).scalar_one() == 4
