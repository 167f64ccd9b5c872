"""The subscriber table keeps the typed details and gives them back as they were, with aware UTC
times (SQLite hands back naive ones; the columns' type restores the zone), on every database."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from domain.subscriber_view import SubscriberView
from storage.attempts import AttemptRepository
from storage.subscribers import SessionRepository, SubscriberRepository
from tests.support import new_subscriber, typed_details, unique_email

FOREIGN = typed_details(
    civility="monsieur",
    last_name="Lefèvre-Noël",
    company={"foreign": True, "identifier": "DE136695976"},
    contact={
        "phone": "+493012345678",
        "street_number": "7",
        "street_type": "AV",
        "street_name": "des Tilleuls",
        "address_complement": "Hof 2",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    },
)


def test_the_details_come_back_as_they_were_stored(engine: Engine) -> None:
    email = unique_email("storage")
    activated = datetime(2026, 11, 27, 13, 5, 7, tzinfo=UTC)
    new = new_subscriber(email, of=FOREIGN, company_name="BEISPIEL GMBH", at=activated)
    repository = SubscriberRepository(engine)
    created = repository.create_once(new)
    assert repository.create_once(new).id == created.id  # a retried activation finds it again
    assert created.id is not None
    stored = repository.get(created.id)
    assert stored is not None
    assert stored.details() == FOREIGN
    assert stored.activated_at == activated and stored.activated_at.tzinfo is not None
    view = stored.view()
    assert view.sections() == SubscriberView(email, FOREIGN, "BEISPIEL GMBH").sections()
    assert view.account is not None and view.account.activated_at == activated
    repository.erase(email)


def test_times_read_back_are_aware(engine: Engine) -> None:
    now = datetime.now(UTC)
    attempts = AttemptRepository(engine)
    key = f"test:{os.urandom(4).hex()}"
    counted = attempts.hit(key, now, timedelta(minutes=1))
    attempts.block(key, now + timedelta(minutes=5))
    found = attempts.get(key)
    assert found is not None and found.blocked_until is not None
    assert counted.window_started_at.tzinfo is not None
    assert found.blocked_until - now == timedelta(minutes=5)  # comparable with aware times
    attempts.reset(key)

    email = unique_email("storage")
    repository = SubscriberRepository(engine)
    subscriber = repository.create_once(new_subscriber(email, at=now))
    assert subscriber.id is not None
    sessions = SessionRepository(engine)
    digest = os.urandom(16).hex()
    sessions.add(digest, subscriber.id, now + timedelta(minutes=1))
    assert sessions.subscriber_for(digest, now) == subscriber.id
    assert sessions.subscriber_for(digest, now + timedelta(minutes=2)) is None
    repository.erase(email)
