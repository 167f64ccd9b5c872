"""The one code spec and its derivation: 12 characters of A-Z a-z 0-9, uniform, one code per
(process, run, generation)."""

from __future__ import annotations

import base64
import os
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from domain.codes import CODE_ALPHABET, CODE_LENGTH, CodePurpose, code_from_bytes, is_code_shaped
from security.keyed_hash import KeyedHasher


def _hasher() -> KeyedHasher:
    return KeyedHasher(SecretStr(base64.b64encode(os.urandom(32)).decode()))


@given(code=st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_codes_are_12_letters_or_digits(code: str) -> None:
    assert is_code_shaped(code)
    assert not is_code_shaped(code + "\n")
    assert not is_code_shaped(code[:-1])
    assert not is_code_shaped(code[:-1] + "é")
    assert not is_code_shaped(code[:-1] + " ")


@given(stream=st.binary(min_size=0, max_size=40))
def test_bytes_map_onto_the_alphabet_without_bias(stream: bytes) -> None:
    code = code_from_bytes(stream)
    kept = [byte for byte in stream if byte < 248]  # 248 = 4 × 62: the rest would bias
    if len(kept) < CODE_LENGTH:
        assert code is None
    else:
        assert code == "".join(CODE_ALPHABET[byte % 62] for byte in kept[:CODE_LENGTH])
        assert code is not None and is_code_shaped(code)


def test_every_character_is_equally_likely_from_uniform_bytes() -> None:
    # Each byte value below 248 maps to exactly 4 values per character.
    counts = Counter(CODE_ALPHABET[byte % 62] for byte in range(248))
    assert set(counts.values()) == {4} and len(counts) == 62
    assert code_from_bytes([248, 249, 255] * 10 + list(range(12))) == CODE_ALPHABET[:12]


def test_one_code_per_process_run_and_generation() -> None:
    hasher = _hasher()
    code = hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-x", "run-1", "1")
    assert is_code_shaped(code)
    # A retried delivery derives the same code …
    assert hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-x", "run-1", "1") == code
    # … and anything else gives another one.
    others = {
        hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-x", "run-1", "2"),
        hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-x", "run-2", "1"),
        hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-y", "run-1", "1"),
        _hasher().derive_code(CodePurpose.ACTIVATION, "enrollment-x", "run-1", "1"),
    }
    assert code not in others and len(others) == 4


def test_derived_codes_use_the_whole_alphabet() -> None:
    hasher = _hasher()
    seen = Counter(
        "".join(hasher.derive_code(CodePurpose.ACTIVATION, "p", "r", str(n)) for n in range(500))
    )
    assert set(seen) == set(CODE_ALPHABET)  # 6,000 characters: every one of the 62 shows up


def test_digests_bind_the_code_to_its_process_and_purpose() -> None:
    hasher = _hasher()
    digest = hasher.code_digest(CodePurpose.ACTIVATION, "enrollment-x", "az84RTw0DD5r")
    # The activation's digest is the one enrollments recorded before the mechanism existed.
    assert digest == hasher.activation_code_digest("enrollment-x", "az84RTw0DD5r")
    assert "az84RTw0DD5r" not in digest
    assert digest != hasher.code_digest(CodePurpose.ACTIVATION, "enrollment-y", "az84RTw0DD5r")
    assert digest != hasher.code_digest(CodePurpose.ACTIVATION, "enrollment-x", "az84RTw0DD5R")


def test_the_delivery_reference_is_stable_and_holds_no_code() -> None:
    hasher = _hasher()
    reference = hasher.delivery_reference(CodePurpose.ACTIVATION, "enrollment-x", "r", "1")
    assert reference == hasher.delivery_reference(CodePurpose.ACTIVATION, "enrollment-x", "r", "1")
    assert reference.startswith("activation.") and len(reference) == len("activation.") + 32
    code = hasher.derive_code(CodePurpose.ACTIVATION, "enrollment-x", "r", "1")
    assert code not in reference
