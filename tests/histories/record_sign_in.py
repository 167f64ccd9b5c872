"""Record the histories of the second step at sign-in by e-mail (SPEC §9):
`uv run python -m tests.histories.record_sign_in`.

Like tests.histories.record_account: each scenario runs in Temporal's time-skipping server with
the real worker, a real SMTP server and a throw-away SQLite database, then `<scenario>.json` is
written beside this file for tests/workflows/test_replay.py. Record again (keeping the old files
while such runs may still be open in production) whenever the workflow changes on purpose.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from app import build_state
from devstack.mail_sink import MailSink, text_of
from services.errors import InvalidCode
from services.second_step import ChallengeIssued, Proof, SecondStepService
from settings import SecondFactor
from tests.accounts import PASSWORD, make_subscriber
from tests.histories.recording import Recording, record_all, recording

EMAIL = "replay.lila@exemple.fr"  # fictitious
SIX_DIGITS = re.compile(r"^(\d{6})\s*$", re.MULTILINE)
# A scenario returns the ID of the workflow whose history is kept.
Scenario = Callable[[Recording, SecondStepService], Awaitable[str]]


async def _challenge(
    second_step: SecondStepService, sink: MailSink, number: int
) -> tuple[str, str]:
    asked = await second_step.sign_in(EMAIL, PASSWORD, user_agent="Test/1.0")
    assert isinstance(asked, ChallengeIssued)
    match = SIX_DIGITS.search(text_of(await sink.message_to(EMAIL, number)))
    assert match
    return asked.challenge_id, match.group(1)


async def sign_in_code_passed(on: Recording, second_step: SecondStepService) -> str:
    """A code, a new code on the same challenge, a wrong try, then the right code."""
    challenge_id, first = await _challenge(second_step, on.sink, 1)
    await second_step.resend(challenge_id)
    match = SIX_DIGITS.search(text_of(await on.sink.message_to(EMAIL, 2)))
    assert match
    with contextlib.suppress(InvalidCode):
        await second_step.complete(challenge_id, Proof(code=f"{(int(first) + 1) % 10**6:06d}"))
    await second_step.complete(challenge_id, Proof(code=match.group(1)))
    subscriber = on.services.repository.by_email(EMAIL)
    assert subscriber is not None
    return second_step.workflow_id(subscriber)


async def sign_in_code_expired(on: Recording, second_step: SecondStepService) -> str:
    """Two sign-ins (the second voids the first code), then the 10 minutes pass."""
    await _challenge(second_step, on.sink, 1)
    await _challenge(second_step, on.sink, 2)
    await on.env.sleep(timedelta(minutes=11))
    subscriber = on.services.repository.by_email(EMAIL)
    assert subscriber is not None
    return second_step.workflow_id(subscriber)


SCENARIOS: dict[str, Scenario] = {
    "sign_in_code_passed": sign_in_code_passed,
    "sign_in_code_expired": sign_in_code_expired,
}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    async with recording(name, directory) as on:
        make_subscriber(on.engine, on.settings, EMAIL)
        changed = on.settings.model_copy(update={"second_factor": SecondFactor.NEW_DEVICE})
        state = build_state(changed, on.env.client, on.engine)
        return await on.keep(await scenario(on, state.second_step))


if __name__ == "__main__":
    record_all(SCENARIOS, record)
