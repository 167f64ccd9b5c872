"""The one box for secrets read back (authenticator keys, webhook secrets): sealed text, bound to
its owner, opened by every codec key that names itself, through a rotation."""

from __future__ import annotations

import os
from base64 import b64decode

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from security.secret_box import SecretBox

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_secret_opens_for_its_owner_only() -> None:
    box = SecretBox({"k1": os.urandom(32)})
    sealed = box.seal(SECRET, "subscriber:7")
    assert sealed.startswith("k1:") and sealed.isascii()
    assert SECRET not in sealed
    assert box.open(sealed, "subscriber:7") == SECRET
    with pytest.raises(InvalidTag):
        box.open(sealed, "subscriber:8")


def test_two_seals_of_one_secret_differ() -> None:
    box = SecretBox({"k1": os.urandom(32)})
    assert box.seal(SECRET, "whe_1") != box.seal(SECRET, "whe_1")


def test_after_a_rotation_the_old_key_still_opens_and_the_new_one_seals() -> None:
    old, new = os.urandom(32), os.urandom(32)
    before = SecretBox({"k1": old}).seal(SECRET, "whe_1")
    rotated = SecretBox({"k2": new, "k1": old})
    assert rotated.open(before, "whe_1") == SECRET
    assert rotated.seal(SECRET, "whe_1").startswith("k2:")
    with pytest.raises(ValueError, match="unknown key ID 'k1'"):
        SecretBox({"k2": new}).open(before, "whe_1")


def test_the_codec_key_itself_does_not_open_a_sealed_value() -> None:
    # The box works under a key derived from the codec's, never the codec's key itself.
    key = os.urandom(32)
    data = b64decode(SecretBox({"k1": key}).seal(SECRET, "o").partition(":")[2])
    with pytest.raises(InvalidTag):
        AESGCM(key).decrypt(data[:12], data[12:], b"o")


def test_a_box_needs_a_key() -> None:
    with pytest.raises(ValueError):
        SecretBox({})
