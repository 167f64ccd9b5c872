"""Test databases: a SQLite file, or a PostgreSQL schema of its own that is dropped afterwards.

PostgreSQL runs only when TEST_POSTGRES_URL names a server (CI sets it). Each run gets a fresh
schema `test_<random>` selected through the connection's search_path, so runs never see each
other's rows and the server's `public` schema is never touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from storage.engine import make_engine

POSTGRES_ENV = "TEST_POSTGRES_URL"
# The local server of the development machine and CI (trust authentication on loopback).
EXAMPLE_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
KINDS = ("sqlite", "postgresql")


def postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """Create a fresh schema, yield a URL whose connections use it, drop it at the end."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def empty_database(kind: str, directory: Path) -> Iterator[str]:
    """The URL of an empty database of the given kind (the caller skips PostgreSQL if unset)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    base = postgres_base_url()
    assert base is not None
    with postgres_schema(base) as url:
        yield url
