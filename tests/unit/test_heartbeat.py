"""Heartbeats while an activity waits: none for an attempt shorter than a period (the server's
heartbeat timeout runs from the attempt's start), then one per period."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities.heartbeat import heartbeating

PERIOD = timedelta(milliseconds=50)


@activity.defn
async def wait_for(seconds: float) -> None:
    async with heartbeating(PERIOD):
        await asyncio.sleep(seconds)


async def _beats(seconds: float) -> int:
    env = ActivityEnvironment()
    beats: list[object] = []
    env.on_heartbeat = lambda *details: beats.append(details)
    await env.run(wait_for, seconds)
    return len(beats)


async def test_a_short_attempt_sends_no_heartbeat() -> None:
    assert await _beats(0.01) == 0


async def test_a_longer_attempt_beats_once_a_period() -> None:
    # 0.275 s is five periods and a half: at most five beats (fewer when the loop runs late).
    assert 1 <= await _beats(0.275) <= 5


async def test_outside_an_activity_nothing_beats() -> None:
    async with heartbeating(PERIOD):
        await asyncio.sleep(0.06)
