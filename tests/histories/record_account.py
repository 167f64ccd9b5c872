"""Record the histories of the processes of SPEC §6 (password reset, e-mail change, notice):
`uv run python -m tests.histories.record_account`.

Like tests.histories.record: each scenario runs in Temporal's time-skipping server with the real
worker, a real SMTP server and a throw-away SQLite database, then `<scenario>.json` is written
beside this file for tests/workflows/test_replay.py. Record again (keeping the old files while
such runs may still be open in production) whenever one of these workflows changes on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.account_forms import EmailChangeCodeForm, EmailChangeForm, PasswordResetForm
from mail.notifications import Change
from orchestration.client import codec_from_settings, data_converter, register_search_attributes
from services.errors import InvalidCode, InvalidReset
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.accounts import (
    ANSWER,
    NEW_PASSWORD,
    PASSWORD,
    AccountServices,
    account_services,
    make_subscriber,
)
from tests.histories import HISTORIES, REPLAY_CODEC_KEYS, REPLAY_IDENTIFIER_KEY
from tests.support import code_from, make_settings

EMAIL = "replay.lila@exemple.fr"  # fictitious
NEW_EMAIL = "replay.lila.nouvelle@exemple.fr"
OTHER_EMAIL = "replay.lila.autre@exemple.fr"
# A scenario returns the ID of the workflow whose history is kept.
Scenario = Callable[[AccountServices, MailSink, WorkflowEnvironment, Settings], Awaitable[str]]


def _wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


def _reset_form(code: str, answer: str = ANSWER) -> PasswordResetForm:
    return PasswordResetForm(
        email=EMAIL,
        code=code,
        trust_answer=answer,
        new_password=NEW_PASSWORD,
        new_password_confirmation=NEW_PASSWORD,
    )


async def password_reset_done(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment, __: Settings
) -> str:
    """A request, a wrong answer, then code and answer right: the password changes."""
    await services.resets.request(EMAIL)
    code = code_from(await sink.message_to(EMAIL))
    with contextlib.suppress(InvalidReset):
        await services.resets.complete(_reset_form(code, answer="toto"))
    await services.resets.complete(_reset_form(code))
    return services.resets.workflow_id(EMAIL)


async def password_reset_expired(
    services: AccountServices, sink: MailSink, env: WorkflowEnvironment, _: Settings
) -> str:
    """Two requests (the second voids the first code), then the 30 minutes pass."""
    await services.resets.request(EMAIL)
    await sink.message_to(EMAIL)
    await services.resets.request(EMAIL)
    await sink.message_to(EMAIL, 2)
    await env.sleep(timedelta(minutes=31))
    return services.resets.workflow_id(EMAIL)


def _change_form(new_email: str) -> EmailChangeForm:
    return EmailChangeForm(
        password=PASSWORD,
        trust_answer=ANSWER,
        new_email=new_email,
        new_email_confirmation=new_email,
    )


async def email_change_done(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment, __: Settings
) -> str:
    """A request, a second one for another address, a wrong code, then the right one."""
    subscriber = services.repository.by_email(EMAIL)
    assert subscriber is not None and subscriber.id is not None
    token = services.subscribers.open_session(subscriber.id).access_token
    me = services.subscribers.authenticate_session(token)
    await services.changes.request(me, _change_form(OTHER_EMAIL))
    await sink.message_to(OTHER_EMAIL)
    await services.changes.request(me, _change_form(NEW_EMAIL))
    code = code_from(await sink.message_to(NEW_EMAIL))
    with contextlib.suppress(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=_wrong(code)))
    await services.changes.confirm(me, EmailChangeCodeForm(code=code))
    return services.changes.workflow_id(subscriber)


async def email_change_expired(
    services: AccountServices, sink: MailSink, env: WorkflowEnvironment, _: Settings
) -> str:
    """A request, then the 24 hours pass."""
    subscriber = services.repository.by_email(EMAIL)
    assert subscriber is not None and subscriber.id is not None
    token = services.subscribers.open_session(subscriber.id).access_token
    me = services.subscribers.authenticate_session(token)
    await services.changes.request(me, _change_form(NEW_EMAIL))
    await sink.message_to(NEW_EMAIL)
    await env.sleep(timedelta(hours=25))
    return services.changes.workflow_id(subscriber)


async def notification_sent(
    services: AccountServices, sink: MailSink, _: WorkflowEnvironment, __: Settings
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
    sink = MailSink()
    port = await sink.start()
    settings: Settings = make_settings(
        directory,
        port,
        identifier_hash_key=REPLAY_IDENTIFIER_KEY,
        payload_codec_keys=REPLAY_CODEC_KEYS,
        database_url=f"sqlite:///{directory / f'{name}.db'}",
    )
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    make_subscriber(engine, settings, EMAIL)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=shutil.which("temporal-test-server"),
        data_converter=data_converter(codec_from_settings(settings)),
    )
    try:
        await register_search_attributes(env.client)
        async with account_services(env, settings, engine) as services:
            workflow_id = await scenario(services, sink, env, settings)
            handle = env.client.get_workflow_handle(workflow_id)
            await handle.result()
            history = await handle.fetch_history()
        path = HISTORIES / f"{name}.json"
        path.write_text(history.to_json() + "\n")
        return path
    finally:
        await env.shutdown()
        await sink.stop()
        engine.dispose()


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name, scenario in SCENARIOS.items():
            path = await record(name, scenario, Path(scratch))
            print(f"recorded {path.relative_to(HISTORIES.parent.parent)}")  # noqa: T201


if __name__ == "__main__":
    asyncio.run(main())
