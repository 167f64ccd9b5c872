"""Record the histories of the processes of SPEC §6 (password reset, e-mail change, notice):
`uv run python -m tests.histories.record_account`.

Like tests.histories.record: each scenario runs in Temporal's time-skipping server with the real
worker, a real SMTP server and a throw-away SQLite database, then `<scenario>.json` is written
beside this file for tests/workflows/test_replay.py. Record again (keeping the old files while
such runs may still be open in production) whenever one of these workflows changes on purpose.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.account_forms import EmailChangeCodeForm
from domain.changes import Change
from services.errors import InvalidCode, InvalidReset
from services.subscribers import SignedIn
from tests.accounts import AccountServices, change_form, make_subscriber, reset_form
from tests.histories.recording import record_all, recording
from tests.support import code_from
from tests.workflow_env import wrong_code

EMAIL = "replay.lila@exemple.fr"  # fictitious
NEW_EMAIL = "replay.lila.nouvelle@exemple.fr"
OTHER_EMAIL = "replay.lila.autre@exemple.fr"
# A scenario returns the ID of the workflow whose history is kept.
Scenario = Callable[[AccountServices, MailSink, WorkflowEnvironment], Awaitable[str]]


async def password_reset_done(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment
) -> str:
    """A request, a wrong answer, then code and answer right: the password changes."""
    await services.resets.request(EMAIL)
    code = code_from(await sink.message_to(EMAIL))
    with contextlib.suppress(InvalidReset):
        await services.resets.complete(reset_form(EMAIL, code, answer="toto"))
    await services.resets.complete(reset_form(EMAIL, code))
    return services.resets.workflow_id(EMAIL)


async def password_reset_expired(
    services: AccountServices, sink: MailSink, env: WorkflowEnvironment
) -> str:
    """Two requests (the second voids the first code), then the 30 minutes pass."""
    await services.resets.request(EMAIL)
    await sink.message_to(EMAIL)
    await services.resets.request(EMAIL)
    await sink.message_to(EMAIL, 2)
    await env.sleep(timedelta(minutes=31))
    return services.resets.workflow_id(EMAIL)


def _signed_in(services: AccountServices) -> SignedIn:
    subscriber = services.repository.by_email(EMAIL)
    assert subscriber is not None
    return services.signed_in(subscriber)


async def _change_code(
    services: AccountServices, sink: MailSink, me: SignedIn, new_email: str
) -> str:
    """A change to `new_email`; returns the code sent there."""
    await services.changes.request(me, change_form(new_email))
    return code_from(await sink.message_to(new_email))


async def email_change_done(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment
) -> str:
    """A request, a second one for another address, a wrong code, then the right one."""
    me = _signed_in(services)
    await _change_code(services, sink, me, OTHER_EMAIL)
    code = await _change_code(services, sink, me, NEW_EMAIL)
    with contextlib.suppress(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=wrong_code(code)))
    await services.changes.confirm(me, EmailChangeCodeForm(code=code))
    return services.changes.workflow_id(me.subscriber)


async def email_change_expired(
    services: AccountServices, sink: MailSink, env: WorkflowEnvironment
) -> str:
    """A request, then the 24 hours pass."""
    me = _signed_in(services)
    await _change_code(services, sink, me, NEW_EMAIL)
    await env.sleep(timedelta(hours=25))
    return services.changes.workflow_id(me.subscriber)


async def notification_sent(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment
) -> str:
    """The notice of a change made through the API."""
    workflow_id = await services.account._notifier.notify(
        EMAIL, Change.CONTACT_CHANGED, datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    )
    await sink.message_to(EMAIL)
    return workflow_id


SCENARIOS: dict[str, Scenario] = {
    "password_reset_done": password_reset_done,
    "password_reset_expired": password_reset_expired,
    "email_change_done": email_change_done,
    "email_change_expired": email_change_expired,
    "notification_sent": notification_sent,
}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    async with recording(name, directory) as on:
        make_subscriber(on.engine, on.settings, EMAIL)
        return await on.keep(await scenario(on.services, on.sink, on.env))


if __name__ == "__main__":
    record_all(SCENARIOS, record)
