"""The adhésions table's limits hold under concurrent requests of one space, on SQLite and on
PostgreSQL (when TEST_POSTGRES_URL is set): one open request per SIREN, at most N open."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from domain.models import AdhesionStatus
from settings import Settings
from storage.adhesions import AdhesionExists, AdhesionLimit, AdhesionRepository
from storage.tables import Adhesion
from tests.letters import new_subscriber


def pending(subscriber_id: int, siren: str) -> Adhesion:
    return Adhesion(
        id=uuid.uuid4().hex,
        subscriber_id=subscriber_id,
        siren=siren,
        company_name="CLIENT",
        company_address="1 RUE DU TEST\n75001 PARIS",
        status=AdhesionStatus.PENDING.value,
        expires_at=datetime.now(UTC) + timedelta(days=60),
        workflow_id="adhesion-test",
    )


def attempt(repository: AdhesionRepository, row: Adhesion, limit: int) -> str:
    try:
        repository.add(row, limit)
    except AdhesionExists:
        return "exists"
    except AdhesionLimit:
        return "limit"
    except OperationalError:  # SQLite: "database is locked" past the busy timeout
        return "busy"
    return "added"


def test_one_open_request_per_siren_even_at_once(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    repository = AdhesionRepository(engine)
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(
            pool.map(
                lambda _: attempt(repository, pending(subscriber.id or 0, "732829320"), 100),
                range(8),
            )
        )
    assert outcomes.count("added") == 1
    assert set(outcomes) <= {"added", "exists"}
    assert len(repository.listed(subscriber.id)) == 1


def test_the_limit_holds_at_once(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    repository = AdhesionRepository(engine)
    for n in range(8):
        repository.add(pending(subscriber.id, f"{n:09d}"), limit=10)
    with ThreadPoolExecutor(6) as pool:
        outcomes = list(
            pool.map(
                lambda n: attempt(repository, pending(subscriber.id or 0, f"{100 + n:09d}"), 10),
                range(6),
            )
        )
    assert outcomes.count("added") == 2, outcomes
    assert len(repository.listed(subscriber.id)) == 10


def test_a_closed_request_frees_its_siren_and_its_place(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    repository = AdhesionRepository(engine)
    first = repository.add(pending(subscriber.id, "732829320"), limit=1)
    with pytest.raises(AdhesionLimit):
        repository.add(pending(subscriber.id, "123456782"), limit=1)
    with pytest.raises(AdhesionExists):
        repository.check_room(subscriber.id, "732829320", limit=5)
    now = datetime.now(UTC)
    assert repository.transition(
        first.id, AdhesionStatus.EXPIRED, now, from_=AdhesionStatus.PENDING
    )
    assert repository.transition(
        first.id, AdhesionStatus.EXPIRED, now, from_=AdhesionStatus.PENDING
    )
    assert not repository.transition(
        first.id, AdhesionStatus.ACTIVE, now, from_=AdhesionStatus.PENDING
    )  # too late: it expired
    second = repository.add(pending(subscriber.id, "732829320"), limit=1)
    assert [a.id for a in repository.listed(subscriber.id)] == [second.id, first.id]
