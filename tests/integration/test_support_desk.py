"""The assistance desk's commands (`python -m admin subscriber …`, `events export`) against a
live stack: the Temporal dev server, a real worker, the SMTP sink and the database of each kind.
A real enrollment, a real adhésion whose letter is on its way, a real lock from real failures."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from security.keyed_hash import KeyedHasher
from services.security_events import EventRecorder
from services.throttle import Throttle
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.attempts import AttemptRepository
from storage.devices import DeviceRepository
from storage.second_factor import TotpRepository
from storage.subscribers import SessionRepository, SubscriberRepository
from tests.admin_cli import admin_output
from tests.letters import adhesion_service
from tests.live import new_enrollment_service
from tests.support import code_from, details, identifiers, process_environment, unique_email

OPERATOR = "Camille D. (assistance)"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@dataclass
class Desk:
    env: WorkflowEnvironment
    settings: Settings
    engine: Engine

    async def admin(self, *argv: str, stdin: str = "") -> tuple[int, list[Any]]:
        code, out = await admin_output(argv, self.settings, self.env.client, self.engine, stdin)
        return code, [json.loads(line) for line in out.splitlines()]


@dataclass
class Space:
    email: str
    subscriber_id: int
    subscriber_number: str
    adhesion_workflow_id: str


@pytest.fixture
async def desk(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[Desk]:
    yield Desk(dev_env, settings, engine)


@pytest.fixture
async def space(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> AsyncIterator[Space]:
    """An activated space with one adhésion awaiting its letter's code, two open sessions, a
    recognised browser, an authenticator app, and the identifier locked by five wrong
    passwords."""
    email = unique_email("assistance")
    repository = SubscriberRepository(engine)
    async with adhesion_service(dev_env, settings, engine) as adhesions:
        enrollments = new_enrollment_service(dev_env.client, settings, repository)
        started = await enrollments.start(IdentifiersForm(**identifiers(email)))
        await enrollments.submit_details(started.enrollment_id, DetailsForm(**details()))
        await enrollments.confirm(started.enrollment_id)
        await enrollments.activate(email, code_from(await mail_sink.message_to(email)))
        subscriber = repository.by_email(email)
        assert subscriber is not None and subscriber.id is not None
        # The enrollment's run ends once the recap is rendered: wait for it, so that the one
        # process left pending is the adhésion's.
        workflow_id, _, run_id = subscriber.enrollment_key.partition("/")
        await dev_env.client.get_workflow_handle(workflow_id, run_id=run_id).result()
        adhesion = await adhesions.request(subscriber, "732829320")
        sessions = SessionRepository(engine)
        for n in range(2):
            sessions.add(f"digest-{email}-{n}", subscriber.id, datetime.now(UTC) + _day())
        throttle = Throttle(
            settings, AttemptRepository(engine), KeyedHasher(settings.identifier_hash_key)
        )
        for _ in range(settings.sign_in_lockout_after):
            throttle.sign_in_failed(email)
        DeviceRepository(engine).add(f"device-{email}", subscriber.id, FIREFOX, datetime.now(UTC))
        totp = TotpRepository(engine)
        assert totp.start(subscriber.id, "sealed-secret-of-the-test", datetime.now(UTC))
        assert totp.confirm(subscriber.id, [f"r1-{email}", f"r2-{email}"], datetime.now(UTC))
        yield Space(email, subscriber.id, subscriber.subscriber_number, adhesion.workflow_id)


async def test_show_tells_the_desk_what_it_needs_and_nothing_secret(
    desk: Desk, space: Space
) -> None:
    code, [shown] = await desk.admin(
        "subscriber", "show", space.email.upper(), "--operator", OPERATOR
    )

    assert code == 0
    assert shown["subscriber_number"] == space.subscriber_number
    assert shown["status"] == "active"  # locked, yet open: the lock is `lockout`, apart
    assert shown["lockout"]["locked"] is True and shown["lockout"]["failures"] == 5
    assert datetime.fromisoformat(shown["lockout"]["locked_until"]) > datetime.now(UTC)
    assert shown["second_factor"]["totp"] == "on"
    assert shown["second_factor"]["recovery_codes_left"] == 2
    assert shown["second_factor"]["policy"] == desk.settings.second_factor.value
    [device] = shown["devices"]
    assert device["browser"] == "Firefox sur Linux"
    assert "sealed-secret" not in json.dumps(shown)
    assert shown["open_sessions"] == 2
    kinds = {p["kind"]: p for p in shown["processes"]}
    assert set(kinds) == {"enrollment", "password_reset", "email_change", "adhesion"}
    assert kinds["enrollment"]["workflow_id"] == KeyedHasher(
        desk.settings.identifier_hash_key
    ).workflow_id(space.email)
    assert kinds["enrollment"]["status"] == "activated"
    assert kinds["password_reset"]["execution"] == "not_found"  # never asked for
    assert kinds["adhesion"]["workflow_id"] == space.adhesion_workflow_id
    assert kinds["adhesion"]["execution"] == "running"
    assert kinds["adhesion"]["status"] == "pending"
    assert [p["kind"] for p in shown["pending_processes"]] == ["adhesion"]
    [adhesion] = shown["adhesions"]
    assert (adhesion["siren"], adhesion["status"]) == ("732829320", "pending")
    # Never the identifier, nor any hash of a secret.
    text = json.dumps(shown).lower()
    assert space.email.lower() not in text and "argon2" not in text

    # By number, in its printed groups of four, the same space.
    spaced = " ".join(space.subscriber_number[i : i + 4] for i in range(0, 12, 4))
    code, [by_number] = await desk.admin("subscriber", "show", spaced, "--operator", OPERATOR)
    assert code == 0 and by_number["subscriber_number"] == space.subscriber_number
    # And from standard input, out of the shell history.
    code, [by_stdin] = await desk.admin(
        "subscriber", "show", "-", "--operator", OPERATOR, stdin=space.email + "\n"
    )
    assert code == 0 and by_stdin["subscriber_number"] == space.subscriber_number


async def test_unlock_and_end_sessions_secure_the_space_and_leave_a_trail(
    desk: Desk, space: Space, engine: Engine
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)

    code, [unlocked] = await desk.admin("subscriber", "unlock", space.email, "--operator", OPERATOR)
    assert code == 0
    assert unlocked == {
        "subscriber_number": space.subscriber_number,
        "was_locked": True,
        "failures_forgotten": 5,
    }
    code, [ended] = await desk.admin(
        "subscriber", "end-sessions", space.subscriber_number, "--operator", OPERATOR
    )
    assert code == 0 and ended["sessions_ended"] == 2
    assert SessionRepository(engine).list_for(space.subscriber_id, datetime.now(UTC)) == []
    code, [shown] = await desk.admin("subscriber", "show", space.email, "--operator", "Lou")
    assert shown["lockout"] == {"locked": False, "locked_until": None, "failures": 0}
    assert shown["open_sessions"] == 0

    code, lines = await desk.admin(
        "events", "export", "--since", since.isoformat(), "--operator", "Audit"
    )

    assert code == 0
    trail = [
        (line["subscriber_number"], line["type"], line["operator"], line["action"])
        for line in lines
        if line["type"] == "support_action"
        and line["subscriber_number"] in (space.subscriber_number, None)
    ]
    assert trail[:3] == [
        (space.subscriber_number, "support_action", OPERATOR, "unlock"),
        (space.subscriber_number, "support_action", OPERATOR, "end_sessions"),
        (space.subscriber_number, "support_action", "Lou", "show"),
    ]
    assert (None, "support_action", "Audit", "events_export") in trail
    ids = [line["id"] for line in lines]
    assert ids == sorted(ids)  # oldest first
    # The subscriber sees the desk's actions in their activity, not who acted.
    activity = EventRecorder(engine).activity(space.subscriber_id)
    assert [a.type.value for a in activity[:3]] == ["support_action"] * 3


async def test_totp_off_for_a_lost_phone_tells_the_person(
    desk: Desk, space: Space, engine: Engine, mail_sink: MailSink
) -> None:
    told_before = mail_sink.count_to(space.email)

    code, [turned_off] = await desk.admin(
        "subscriber", "totp-off", space.email, "--operator", OPERATOR
    )

    assert code == 0
    assert turned_off == {
        "subscriber_number": space.subscriber_number,
        "totp_was_on": True,
        "person_told": True,
    }
    notice = await mail_sink.message_to(space.email, told_before + 1)
    assert "application d'authentification désactivée" in str(notice["Subject"])
    assert TotpRepository(engine).get(space.subscriber_id) is None
    code, [shown] = await desk.admin("subscriber", "show", space.email, "--operator", OPERATOR)
    assert shown["second_factor"]["totp"] == "off"
    # Nothing left to turn off: said so, and nobody is told twice.
    code, [again] = await desk.admin("subscriber", "totp-off", space.email, "--operator", OPERATOR)
    assert (code, again["totp_was_on"], again["person_told"]) == (0, False, False)
    activity = [a.type.value for a in EventRecorder(engine).activity(space.subscriber_id)]
    assert activity[:4] == [
        "support_action",  # the second totp-off
        "support_action",  # show
        "support_action",  # totp-off
        "totp_disabled",
    ]
    assert mail_sink.count_to(space.email) == told_before + 1


async def test_unknown_space_and_unnamed_operator(desk: Desk) -> None:
    assert await desk.admin("subscriber", "unlock", unique_email(), "--operator", OPERATOR) == (
        1,
        [{"error": "not_found"}],
    )
    assert await desk.admin("subscriber", "show", "x@exemple.fr", "--operator", "  ") == (
        1,
        [{"error": "operator_required"}],
    )
    with pytest.raises(SystemExit):  # --operator is required
        await desk.admin("subscriber", "show", "x@exemple.fr")


async def test_a_closed_space_is_told_apart_by_its_number(
    desk: Desk, space: Space, engine: Engine
) -> None:
    SubscriberRepository(engine).erase(space.email)
    code, answer = await desk.admin(
        "subscriber", "show", space.subscriber_number, "--operator", OPERATOR
    )
    assert (code, answer) == (1, [{"error": "space_closed"}])
    assert AdhesionRepository(engine).listed(space.subscriber_id) == []


def _day() -> timedelta:
    return timedelta(days=1)


def test_the_module_prints_json_lines(
    dev_env: WorkflowEnvironment, settings: Settings, db_url: str, space: Space
) -> None:
    """`python -m admin` as the desk runs it: settings from the environment, JSON on stdout."""
    env = process_environment(
        settings,
        DATABASE_URL=db_url,
        TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host,
        TEMPORAL_TASK_QUEUE=settings.temporal_task_queue,
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, the module's own literals)
        [sys.executable, "-m", "admin", "subscriber", "show", "-", "--operator", OPERATOR],
        env=env,
        input=space.email + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    assert json.loads(line)["subscriber_number"] == space.subscriber_number
