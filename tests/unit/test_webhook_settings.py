"""The webhook retry settings: their default spans more than a day (SPEC §8, « a receiver down
for an hour loses nothing », API.md « at least 24 hours in all »), and production refuses less."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from typing import Any

import pytest

from settings import Settings

PRODUCTION_SECRETS: dict[str, Any] = {
    "app_env": "production",
    "identifier_hash_key": "k" * 40,
    "session_secret": "s" * 40,
    "codec_auth_token": "t" * 30,
    "payload_codec_keys": "k1:" + base64.b64encode(os.urandom(32)).decode(),
}


def test_the_default_retries_span_more_than_a_day() -> None:
    # 5 s, 30 s, 3 min, 18 min, 1 h 48 min, then 10 h three times: 9 attempts.
    assert Settings().webhook_retry_span == timedelta(
        seconds=5 + 30 + 180 + 1080 + 6480 + 3 * 36000
    )
    assert Settings(**PRODUCTION_SECRETS).webhook_retry_span >= timedelta(hours=24)


def test_production_refuses_a_shorter_schedule() -> None:
    with pytest.raises(ValueError, match="at least 24 hours"):
        Settings(**PRODUCTION_SECRETS, webhook_retry_attempts=4)
    # Tests may shorten it.
    assert Settings(
        app_env="test",
        **{k: v for k, v in PRODUCTION_SECRETS.items() if k != "app_env"},
        webhook_retry_attempts=2,
    ).webhook_retry_span == timedelta(seconds=5)
