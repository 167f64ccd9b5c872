"""Recorded histories of the enrollment workflow, replayed by tests/workflows/test_replay.py.

They are encrypted like every history, with a key that exists only for these fixtures: it is
committed here on purpose and protects nothing but fictitious test data.
"""

from __future__ import annotations

from pathlib import Path

HISTORIES = Path(__file__).parent
REPLAY_CODEC_KEYS = "replay1:OSjMlq4mhaa/1nwmDGu0mW9FB2qKwxR/o93q5Aj6iaM="
REPLAY_IDENTIFIER_KEY = "test-only-identifier-key-for-recorded-histories"
