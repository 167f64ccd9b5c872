"""TOTP codes at fixed instants (RFC 6238, Appendix B), and the recovery codes' shape."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from security.totp import grouped, matching_step, otpauth_uri
from services.totp import new_recovery_code, normalise_recovery_code

# RFC 6238's SHA-1 seed "12345678901234567890"; its 8-digit codes end in these 6 digits.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
AT_59 = datetime.fromtimestamp(59, UTC)
AT_1111111109 = datetime.fromtimestamp(1111111109, UTC)


def test_the_rfc_codes_match_their_step() -> None:
    assert matching_step(RFC_SECRET, "287082", AT_59) == 1  # 94287082
    assert matching_step(RFC_SECRET, "081804", AT_1111111109) == 37037036  # 07081804


def test_a_code_is_good_one_step_either_side_and_no_further() -> None:
    # 287082 is step 1's code (30 s – 59 s): still good at 60 s – 89 s (step 2), not at step 3.
    assert matching_step(RFC_SECRET, "287082", datetime.fromtimestamp(75, UTC)) == 1
    assert matching_step(RFC_SECRET, "287082", datetime.fromtimestamp(95, UTC)) is None
    assert matching_step(RFC_SECRET, "287083", AT_59) is None


def test_the_uri_names_the_issuer_and_holds_the_key() -> None:
    uri = otpauth_uri(RFC_SECRET, "lila@exemple.fr")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={RFC_SECRET}" in uri
    assert "issuer=Espace%20abonn%C3%A9%20professionnel" in uri


def test_the_key_is_shown_in_groups_of_four() -> None:
    assert grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_recovery_codes_are_typed_back_in_any_form() -> None:
    code = new_recovery_code()
    assert len(code) == 11 and code[5] == "-"
    assert normalise_recovery_code(code.upper().replace("-", " ")) == code
    assert len({new_recovery_code() for _ in range(50)}) == 50
