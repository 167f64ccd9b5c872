"""Schemathesis hooks for tests/integration/test_openapi_contract.py (loaded by the CLI through
SCHEMATHESIS_HOOKS): the positive-data check with the documented exceptions, and a signed-in
subscriber so that the « Mon espace » operations are reached too.

The exceptions are the rules no JSON Schema can state (docs/api.md « What no schema can say »):
a schema-valid request that breaks one of them is refused with 422, and that is the contract.
Each is named by the problem codes it answers with; a 422 that carries any other code still
fails the check.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

# docs/api.md « What no schema can say », in the same order: the codes each answers with, for
# any field, or for one field only (field, code).
EXCEPTIONS: dict[str, frozenset[str | tuple[str, str]]] = {
    # 1. A confirmation equal to its field (identifier, password, new address).
    "confirmation": frozenset({"email_mismatch", "password_mismatch"}),
    # 2. What only the server holds: the right code or trust answer, a company its registry
    #    knows, an Idempotency-Key not yet used for another body, the trust answer a draft
    #    already has (an edit may leave it empty, the first submission may not).
    "held by the server": frozenset(
        {
            "invalid_code",
            "invalid_reset",
            "unknown_company",
            "idempotency_key_reused",
            ("trust.answer", "required"),
        }
    ),
    # 3. A register's own arithmetic: the SIREN's Luhn key, the chosen country's phone
    #    numbering plan, a foreign VAT number's check (and a SIREN given as foreign).
    "register": frozenset(
        {
            "invalid_siren",
            "invalid_phone",
            "phone_wrong_country",
            "invalid_foreign_identifier",
            "foreign_identifier_is_french",
        }
    ),
}
EXCEPTED: frozenset[str | tuple[str, str]] = frozenset().union(*EXCEPTIONS.values())
# Left in the run's directory by the check, so that the test knows it ran.
RAN = Path("positive-data-check-ran")


@schemathesis.check
def positive_data_acceptance_but_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis's `positive_data_acceptance`, except for a 422 whose every reason is one of
    the documented exceptions."""
    RAN.touch()
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if response.status_code == 422 and all(_excepted(r) for r in _reasons(response)):
            return None
        raise


def _excepted(reason: tuple[str, str]) -> bool:
    field, code = reason
    return code in EXCEPTED or (field, code) in EXCEPTED


def _reasons(response: Any) -> list[tuple[str, str]]:
    """(field, code) of each invalid field, or ("", code) of a problem without fields."""
    try:
        problem = response.json()
    except ValueError:
        return [("", "<not JSON>")]
    fields = problem.get("errors") or []
    if not fields:
        return [("", str(problem.get("code")))]
    return [(str(e.get("field")), str(e.get("code"))) for e in fields]


@schemathesis.auth()
class SignedIn:
    """A real subscriber's session; signed in again when an answer says 401 (the fuzzer's own
    sign-out ends it)."""

    def get(self, case: Any, context: Any) -> str:
        answer = httpx.post(
            f"{os.environ['FUZZ_BASE_URL']}/api/v1/sessions",
            json={
                "email": os.environ["FUZZ_EMAIL"],
                "password": os.environ["FUZZ_PASSWORD"],
                # The activating client's device: recognised, so no second step (SPEC §9).
                "device_token": os.environ["FUZZ_DEVICE_TOKEN"],
            },
            timeout=30,
        )
        if answer.status_code != 201:
            raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.text}")
        return str(answer.json()["access_token"])

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
