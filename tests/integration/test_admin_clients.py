"""`python -m admin clients …` (API.md « Services »): one JSON object on stdout per command,
the key shown once and stored only as a keyed digest, two valid keys at most, against the
database of each kind; and the module run as a process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import Engine, text

from admin.cli import run
from settings import Settings
from tests.support import process_environment


async def admin(settings: Settings, engine: Engine, *argv: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    # The clients commands need the database only: no Temporal client is handed in.
    code = await run(argv, settings, engine=engine, out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines  # one JSON object
    answer: dict[str, Any] = json.loads(lines[0])
    return code, answer


def listed(answer: dict[str, Any], client_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [c for c in answer["clients"] if c["client_id"] == client_id]
    assert len(found) == 1
    return found[0]


async def test_create_then_list(settings: Settings, engine: Engine) -> None:
    code, made = await admin(
        settings, engine, "clients", "create", "--name", "Portail partenaire",
        "--scopes", "enrollments,events", "--quota-per-minute", "120",
    )  # fmt: skip
    assert code == 0
    assert set(made) == {"client_id", "key_id", "key"}
    assert made["key"].startswith("esp_")
    # 32 random bytes at least: 43 URL-safe base64 characters after the prefix.
    assert len(made["key"].removeprefix("esp_")) >= 43

    code, everyone = await admin(settings, engine, "clients", "list")
    assert code == 0
    client = listed(everyone, made["client_id"])
    assert client["name"] == "Portail partenaire"
    assert sorted(client["scopes"]) == ["enrollments", "events"]
    assert client["quota_per_minute"] == 120
    assert client["disabled"] is False
    [key] = client["keys"]
    assert key["key_id"] == made["key_id"]
    assert key["expires_at"] is None and key["revoked_at"] is None
    assert set(key) == {"key_id", "created_at", "expires_at", "revoked_at"}
    assert made["key"] not in json.dumps(everyone)


async def test_the_key_is_stored_only_as_a_keyed_digest(settings: Settings, engine: Engine) -> None:
    _, made = await admin(
        settings, engine, "clients", "create", "--name", "Éditeur", "--scopes", "events"
    )
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM service_keys")).all()
    dumped = repr(rows)
    assert made["key"] not in dumped
    assert made["key"].removeprefix("esp_") not in dumped


async def test_two_valid_keys_at_most(settings: Settings, engine: Engine) -> None:
    _, made = await admin(
        settings, engine, "clients", "create", "--name", "Portail", "--scopes", "events"
    )
    client_id = made["client_id"]
    code, second = await admin(
        settings, engine, "clients", "add-key", client_id, "--expires-in", "30"
    )
    assert code == 0 and second["key"] != made["key"]

    code, third = await admin(settings, engine, "clients", "add-key", client_id)
    assert code == 1
    assert third["error"] == "key_limit_reached"
    assert "key" not in third

    code, revoked = await admin(settings, engine, "clients", "revoke-key", made["key_id"])
    assert code == 0
    assert revoked["key_id"] == made["key_id"] and revoked["revoked_at"]
    code, replacement = await admin(settings, engine, "clients", "add-key", client_id)
    assert code == 0 and replacement["key"].startswith("esp_")

    _, everyone = await admin(settings, engine, "clients", "list")
    keys = {k["key_id"]: k for k in listed(everyone, client_id)["keys"]}
    assert keys[made["key_id"]]["revoked_at"] == revoked["revoked_at"]
    assert keys[second["key_id"]]["expires_at"] is not None


async def test_disable(settings: Settings, engine: Engine) -> None:
    _, made = await admin(
        settings, engine, "clients", "create", "--name", "Ancien", "--scopes", "enrollments"
    )
    code, disabled = await admin(settings, engine, "clients", "disable", made["client_id"])
    assert (code, disabled) == (0, {"client_id": made["client_id"], "disabled": True})
    _, everyone = await admin(settings, engine, "clients", "list")
    assert listed(everyone, made["client_id"])["disabled"] is True


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (("clients", "create", "--name", "X", "--scopes", "enrollments,admin"), "invalid_scopes"),
        (("clients", "add-key", "cli_unknown"), "unknown_client"),
        (("clients", "revoke-key", "key_unknown"), "unknown_key"),
        (("clients", "disable", "cli_unknown"), "unknown_client"),
    ],
)
async def test_refusals_are_json_with_a_non_zero_exit(
    settings: Settings, engine: Engine, argv: tuple[str, ...], error: str
) -> None:
    code, answer = await admin(settings, engine, *argv)
    assert code == 1
    assert answer["error"] == error


def test_the_module_runs_with_settings_from_the_environment(
    settings: Settings, engine: Engine
) -> None:
    env = process_environment(
        settings,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        # Nothing listens here: the clients commands must not need Temporal.
        TEMPORAL_ADDRESS="127.0.0.1:9",
    )
    done = subprocess.run(
        [sys.executable, "-m", "admin", "clients", "create", "--name", "CLI", "--scopes", "events"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["key"].startswith("esp_")
    assert made["key"] not in done.stderr  # the audit line names IDs only
    assert '"action": "clients-create"' in done.stderr
