"""Real parts for every test: a local SMTP server, the database with the migrations applied
(SQLite always, PostgreSQL too when TEST_POSTGRES_URL is set), and Temporal's time-skipping test
server (workflow tests) or dev server (integration tests)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from playwright.async_api import Browser, async_playwright
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.databases import (
    EXAMPLE_POSTGRES_URL,
    KINDS,
    POSTGRES_ENV,
    empty_database,
    postgres_base_url,
)
from tests.support import make_settings
from tests.workflow_env import dev_server, time_skipping

# Several test runs share two cores: time per example varies too much for a deadline to mean
# anything, and a flaky deadline would hide real failures.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")


@pytest.fixture(scope="session")
async def mail_sink() -> AsyncIterator[MailSink]:
    sink = MailSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def base_settings(data_dir: Path, mail_sink: MailSink) -> Settings:
    return make_settings(data_dir, mail_sink.port)


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    """Per test: the session's keys and database, a task queue of its own."""
    return make_settings(
        base_settings.data_dir,
        base_settings.smtp_port,
        identifier_hash_key=base_settings.identifier_hash_key,
        payload_codec_keys=base_settings.payload_codec_keys,
        codec_auth_token=base_settings.codec_auth_token,
        session_secret=base_settings.session_secret,
    )


@pytest.fixture(scope="session", params=KINDS)
def db_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str]:
    """Every test that touches the database runs once per kind of database."""
    if request.param == "postgresql" and postgres_base_url() is None:
        pytest.skip(f"PostgreSQL: {POSTGRES_ENV} is not set")
    if request.param == "sqlite":
        yield f"sqlite:///{data_dir / 'subscribers.db'}"  # the settings' default database
        return
    with empty_database(request.param, data_dir) as url:
        yield url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    """The schema comes from the migrations, exactly as in production."""
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own (SQLite, migrated): whatever a purge deletes in it, or a
    schedule finds there, is this test's alone."""
    url = f"sqlite:///{tmp_path / 'own.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
async def time_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """One time-skipping server per test: skipping time moves every workflow on the server, so
    a test's clock jumps must not reach the workflows another test left behind."""
    async with time_skipping(base_settings) as env:
        yield env


@pytest.fixture(scope="session")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    env = await dev_server(base_settings)
    yield env
    await env.shutdown()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A run that collects nothing must fail, never pass quietly.
    if session.testscollected == 0 and exitstatus in (0, 5):
        session.exitstatus = 1


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> Generator[None]:
    """Say it when the PostgreSQL variants were skipped, after the short summary (outermost
    wrapper: this runs last), just above the final counts, so a plain `make test` cannot look
    like it ran them."""
    yield
    skipped = terminalreporter.stats.get("skipped", [])
    postgres = [report for report in skipped if "postgresql" in report.nodeid.partition("[")[2]]
    if postgres and postgres_base_url() is None:
        terminalreporter.write_line(
            f"PostgreSQL variants skipped ({_tests(postgres)}, {POSTGRES_ENV} is not set): "
            f"run them with {POSTGRES_ENV}={EXAMPLE_POSTGRES_URL} make test",
            yellow=True,
            bold=True,
        )
    # Likewise the browser tests without Chromium (outside CI, where they fail instead).
    browser = [report for report in skipped if CHROMIUM_MISSING in str(report.longrepr)]
    if browser:
        terminalreporter.write_line(
            f"Browser tests skipped ({_tests(browser)}, Chromium is missing): "
            f"run them after {CHROMIUM_INSTALL}",
            yellow=True,
            bold=True,
        )


def _tests(reports: list[pytest.TestReport]) -> str:
    return f"{len(reports)} test" if len(reports) == 1 else f"{len(reports)} tests"


CHROMIUM_MISSING = "Chromium is missing"
CHROMIUM_INSTALL = "apt-get install -y chromium"


# Debian's Chromium (`apt-get install chromium`), never a browser downloaded by Playwright.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    path = shutil.which("chromium")
    if path is None:
        message = f"{CHROMIUM_MISSING}: {CHROMIUM_INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()
