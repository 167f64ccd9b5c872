"""The test run itself cannot mislead: a run that selects no test fails, and a run without
PostgreSQL, or without Chromium, says in its last lines what it skipped. Each case is a real
pytest process on this repository's tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.databases import EXAMPLE_POSTGRES_URL, POSTGRES_ENV

ROOT = Path(__file__).resolve().parents[2]


def pytest_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (the arguments are this module's own literals)
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def without_postgres() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != POSTGRES_ENV}


def test_a_run_that_selects_nothing_fails() -> None:
    done = pytest_run("tests/unit/test_subscriber_number.py", "-k", "no_test_has_this_name")
    assert "deselected" in done.stdout, done.stdout
    assert done.returncode != 0, done.stdout  # never 0, whatever runs pytest (make, .ci/run)


def test_skipped_postgresql_variants_are_announced_at_the_end() -> None:
    done = pytest_run(
        "tests/integration/test_migrations.py", "-k", "postgresql", env=without_postgres()
    )
    assert done.returncode == 0, done.stdout
    last_lines = done.stdout.strip().splitlines()[-2:]
    assert last_lines[0].startswith("PostgreSQL variants skipped ("), done.stdout
    assert f"{POSTGRES_ENV}={EXAMPLE_POSTGRES_URL} make test" in last_lines[0]
    assert "skipped" in last_lines[1]  # pytest's own final count comes right after


def test_skipped_browser_tests_are_announced_at_the_end() -> None:
    # No `chromium` on this PATH (only the interpreter's folder): the browser tests skip, the
    # browser fixture first, before any server starts.
    env = without_postgres() | {"PATH": str(Path(sys.executable).parent)}
    env.pop("CI", None)
    done = pytest_run("tests/browser/test_mail_on_its_way.py", env=env)
    assert done.returncode == 0, done.stdout
    last_lines = done.stdout.strip().splitlines()[-3:]
    assert last_lines[1] == (
        "Browser tests skipped (2 tests, Chromium is missing): "
        "run them after apt-get install -y chromium"
    ), done.stdout
    assert last_lines[0].startswith("PostgreSQL variants skipped (1 test"), done.stdout
    assert "2 skipped" in last_lines[2]  # pytest's own final count comes right after
