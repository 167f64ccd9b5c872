"""The security events table, on SQLite and PostgreSQL: appended, read newest first within 12
months, a retried activity recorded once, and a type outside the list refused by the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, StatementError

from domain.client_description import ClientDescription
from domain.security_events import EventType
from services.security_events import EventRecorder
from settings import Settings
from storage.engine import session_scope
from tests.letters import new_subscriber

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CLIENT = ClientDescription(browser="Firefox sur Linux", network="203.0.113.0/24")


def test_activity_is_the_last_twelve_months_newest_first(
    engine: Engine, settings: Settings
) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    recorder = EventRecorder(engine)
    recorder.record(subscriber.id, EventType.SIGN_IN, client=CLIENT, at=NOW - timedelta(days=366))
    recorder.record(subscriber.id, EventType.SIGN_IN, client=CLIENT, at=NOW - timedelta(days=364))
    recorder.record(subscriber.id, EventType.PASSWORD_CHANGED, at=NOW - timedelta(hours=1))
    other = new_subscriber(engine, settings, last_name="Autre")
    assert other.id is not None
    recorder.record(other.id, EventType.SIGN_IN, at=NOW)

    items = recorder.activity(subscriber.id, now=NOW)

    assert [(i.type, i.at) for i in items] == [
        ("password_changed", NOW - timedelta(hours=1)),
        ("sign_in", NOW - timedelta(days=364)),
    ]
    assert (items[1].browser, items[1].network) == ("Firefox sur Linux", "203.0.113.0/24")
    assert (items[0].browser, items[0].network) == ("", "")


def test_a_retried_activity_records_its_event_once(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    recorder = EventRecorder(engine)
    key = f"email-change-x/run-{subscriber.id}/email_changed"

    first = recorder.record(subscriber.id, EventType.EMAIL_CHANGED, dedup_key=key, at=NOW)
    again = recorder.record(subscriber.id, EventType.EMAIL_CHANGED, dedup_key=key, at=NOW)

    assert (first, again) == (True, False)
    assert [i.type for i in recorder.activity(subscriber.id, now=NOW)] == ["email_changed"]


def test_an_event_joins_the_transaction_of_its_change(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    recorder = EventRecorder(engine)
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        recorder.record(subscriber.id, EventType.CONTACT_CHANGED, at=NOW, session=session)
        raise RuntimeError("the change failed")
    assert recorder.activity(subscriber.id, now=NOW) == []


def test_the_database_refuses_a_type_outside_the_list(engine: Engine, settings: Settings) -> None:
    subscriber = new_subscriber(engine, settings)
    with pytest.raises((IntegrityError, StatementError)), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO security_events (subscriber_id, type, at, browser, network)"
                " VALUES (:id, 'password_seen', :at, '', '')"
            ),
            {"id": subscriber.id, "at": NOW},
        )


def test_closing_the_space_erases_its_events(engine: Engine, settings: Settings) -> None:
    from storage.subscribers import SubscriberRepository

    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    recorder = EventRecorder(engine)
    recorder.record(subscriber.id, EventType.SIGN_IN, at=NOW)
    SubscriberRepository(engine).erase(subscriber.email)
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT count(*) FROM security_events WHERE subscriber_id = :id"),
            {"id": subscriber.id},
        ).scalar_one()
    assert left == 0
