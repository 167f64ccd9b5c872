"""The migrations build the schema from nothing, match the tables, and take it back to nothing:
on SQLite, and on PostgreSQL (a fresh schema) when TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables on the metadata)
from storage.attempts import AttemptRepository
from storage.engine import make_engine
from storage.migrate import downgrade, upgrade


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_then_downgrade_to_empty(empty_url: str) -> None:
    assert _tables(empty_url) == set()

    upgrade(empty_url)
    assert set(SQLModel.metadata.tables) <= _tables(empty_url)

    downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}

    upgrade(empty_url)  # and back up again: the downgrade left nothing in the way
    assert set(SQLModel.metadata.tables) <= _tables(empty_url)


def test_migrations_match_the_tables(empty_url: str) -> None:
    """A model change without its migration shows up here, not in production."""
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_attempt_counters_round_trip(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        assert "attempt_counters" in inspect(engine).get_table_names()
        attempts = AttemptRepository(engine)
        now, window = datetime.now(UTC), timedelta(minutes=1)
        key = f"test:{os.urandom(4).hex()}"
        assert attempts.hit(key, now, window).count == 1
        assert attempts.hit(key, now, window).count == 2
        assert attempts.hit(key, now + 2 * window, window).count == 1  # a new window
        attempts.reset(key)
    finally:
        engine.dispose()
    downgrade(empty_url, "0001")
    assert "attempt_counters" not in _tables(empty_url)
    upgrade(empty_url)
    assert "attempt_counters" in _tables(empty_url)
