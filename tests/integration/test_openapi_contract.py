"""The OpenAPI document tells the truth: Schemathesis generates requests from it (every check:
no server error, every status code and content type documented, responses matching their
schemas, schema-invalid requests refused, and schema-valid requests accepted but for the
documented exceptions of tests/integration/schemathesis_hooks.py) against the real API on the
dev server, signed in as a real subscriber so that « Mon espace » is reached too, step 2 sent to
a real draft (schemathesis.toml)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from devstack.mail_sink import MailSink
from tests.accounts import PASSWORD, enroll
from tests.live import LiveFactory, pre_register
from tests.support import binary, details, unique_email

# What schemathesis_hooks.py leaves in the run's directory when its check runs. (Not imported:
# the hooks module registers its auth globally, for any Schemathesis use in this process.)
RAN = "positive-data-check-ran"

# Bounded: a few examples per operation keep the run near a minute on two shared cores.
EXAMPLES_PER_OPERATION = 12
ROOT = Path(__file__).resolve().parents[2]

# One client sends every request: the per-address and per-identifier limits would answer 429
# (which the checks accept) in place of the rules they are here to reach.
UNLIMITED = 1_000_000
LIMITS = {
    name: UNLIMITED
    for name in (
        "activation_attempts_per_identifier",
        "activation_attempts_per_address",
        "resends_per_identifier",
        "resends_per_address",
        "sign_ins_per_address",
        "password_resets_per_identifier",
        "password_resets_per_address",
        "reset_attempts_per_identifier",
        "reset_attempts_per_address",
        "email_changes_per_identifier",
        "email_changes_per_address",
        "enrollments_per_address",
        "confirms_per_address",
        "code_emails_per_recipient",
        "sign_in_lockout_after",
    )
}


async def test_schemathesis_finds_no_failure(
    app_with: LiveFactory, mail_sink: MailSink, tmp_path: Path
) -> None:
    async with app_with(**LIMITS) as app:
        subscriber = await enroll(app.http, mail_sink, unique_email("fuzz"))
        draft = await pre_register(app.http, unique_email("brouillon"), PASSWORD, details())
        process = await asyncio.create_subprocess_exec(
            binary("schemathesis"),
            "--config-file",
            str(Path(__file__).with_name("schemathesis.toml")),
            "run",
            f"{app.base_url}/openapi.json",
            "--checks",
            "all",
            # Replaced by the same check with the documented exceptions (the hooks module).
            "--exclude-checks",
            "positive_data_acceptance",
            # 503 is what readiness answers while a part is down (or slow on a loaded machine):
            # its meaning, not a server error.
            "--exclude-path",
            "/readyz",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            "2026",
            "--request-timeout",
            "20",
            "--no-color",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks",
                "FUZZ_BASE_URL": app.base_url,
                "FUZZ_EMAIL": subscriber.email,
                "FUZZ_PASSWORD": PASSWORD,
                "FUZZ_DEVICE_TOKEN": subscriber.device_token,
                "FUZZ_ENROLLMENT_ID": draft,
            },
        )
        output, _ = await process.communicate()
    report = output.decode(errors="replace")
    assert process.returncode == 0, report
    assert (tmp_path / RAN).exists(), "the positive-data check did not run: " + report
