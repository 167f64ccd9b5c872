"""The migrations upgrade and downgrade on SQLite, and on PostgreSQL with TEST_POSTGRES_URL."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from storage.attempts import AttemptRepository
from storage.engine import make_engine
from storage.migrate import downgrade, upgrade


def round_trip(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
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
    downgrade(url, "0001")
    engine = make_engine(url)
    try:
        assert "attempt_counters" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(url)


def test_sqlite(tmp_path: Path) -> None:
    round_trip(f"sqlite:///{tmp_path / 'migrations.db'}")


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="TEST_POSTGRES_URL not set")
def test_postgresql() -> None:
    round_trip(os.environ["TEST_POSTGRES_URL"])
