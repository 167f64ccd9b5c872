"""The assistance desk's operations on one space (SPEC §5, §9): look it up, unlock it, end its
sessions, and export the security events for an audit.

A space is found by its identifier (e-mail) or its subscriber number. What comes back is
statuses, dates, counts and Temporal workflow IDs: never a password, a code or a trust answer,
and not the e-mail either (the caller typed it). Every action, a look-up included, is a
`support_action` event with the operator's name: the desk leaves an audit trail in the very
table the subscriber's activity page reads.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.changes import Change
from domain.client_description import describe_browser
from domain.rules import normalise_email
from domain.security_events import EventType
from domain.subscriber_number import is_valid_subscriber_number
from orchestration.search_attributes import ADHESION_STATUS, ENROLLMENT_STATUS
from security.keyed_hash import KeyedHasher
from services.notifications import Notifier
from services.security_events import EventRecorder
from services.throttle import Throttle
from settings import Settings
from storage.adhesions import AdhesionRepository
from storage.attempts import AttemptRepository
from storage.devices import DeviceRepository
from storage.second_factor import TotpRepository
from storage.subscribers import SessionRepository, SubscriberRepository
from storage.tables import Subscriber
from workflows.email_change_messages import WORKFLOW_ID_PREFIX as EMAIL_CHANGE_PREFIX
from workflows.password_reset_messages import WORKFLOW_ID_PREFIX as RESET_PREFIX

Json = dict[str, Any]


# A stored subscriber is an open space: there is no suspended state, and closing a space deletes
# its row (its number is retired; `closed` tells it apart from an unknown one). A locked
# identifier is not a state of the space but `lockout`, reported apart.
OPEN = "active"


class NotFoundError(LookupError):
    """No space has this identifier or number."""


@dataclass(frozen=True, slots=True)
class Process:
    kind: str  # enrollment, password_reset, email_change, adhesion
    workflow_id: str
    run_id: str = ""


class SupportDesk:
    def __init__(self, client: Client, settings: Settings, engine: Engine) -> None:
        self._client = client
        self._keyed = KeyedHasher(settings.identifier_hash_key)
        self._subscribers = SubscriberRepository(engine)
        self._sessions = SessionRepository(engine)
        self._adhesions = AdhesionRepository(engine)
        self._throttle = Throttle(settings, AttemptRepository(engine), self._keyed)
        self._totp = TotpRepository(engine)
        self._devices_repo = DeviceRepository(engine)
        self._notifier = Notifier(client, settings.temporal_task_queue)
        self._settings = settings
        self.events = EventRecorder(engine)

    # -- finding the space --------------------------------------------------------------------

    def find(self, target: str) -> Subscriber:
        """By subscriber number (spaces between the groups allowed) or by identifier."""
        compact = target.replace(" ", "")
        if is_valid_subscriber_number(compact):
            found = self._subscribers.by_number(compact)
        else:
            found = self._subscribers.by_email(normalise_email(target))
        if found is None or found.id is None:
            raise NotFoundError(target)
        return found

    def closed(self, target: str) -> bool:
        """A number that belonged to a space now closed (never given again)."""
        compact = target.replace(" ", "")
        return is_valid_subscriber_number(compact) and self._subscribers.is_retired(compact)

    # -- subscriber show ----------------------------------------------------------------------

    async def show(self, target: str, operator: str) -> Json:
        subscriber = await asyncio.to_thread(self.find, target)
        assert subscriber.id is not None
        now = datetime.now(UTC)
        lockout = await asyncio.to_thread(self._throttle.lockout, subscriber.email)
        sessions = await asyncio.to_thread(self._sessions.list_for, subscriber.id, now)
        adhesions = await asyncio.to_thread(self._adhesions.listed, subscriber.id)
        processes = [await self._describe(p) for p in self._processes(subscriber, adhesions)]
        await asyncio.to_thread(self.events.record_support, subscriber.id, operator, "show")
        return {
            "subscriber_number": subscriber.subscriber_number,
            "status": OPEN,
            "activated_at": _iso(subscriber.activated_at),
            "lockout": {
                "locked": lockout.locked_until is not None,
                "locked_until": _iso(lockout.locked_until),
                "failures": lockout.failures,
            },
            "second_factor": await asyncio.to_thread(self._second_factor, subscriber.id),
            "devices": await asyncio.to_thread(self._devices, subscriber.id, now),
            "open_sessions": len(sessions),
            "pending_processes": [p for p in processes if p["execution"] == "running"],
            "processes": processes,
            "adhesions": [
                {
                    "adhesion_id": a.id,
                    "siren": a.siren,
                    "company_name": a.company_name,
                    "status": a.status,
                    "requested_at": _iso(a.requested_at),
                    "activated_at": _iso(a.activated_at),
                    "ended_at": _iso(a.ended_at),
                    "expires_at": _iso(a.expires_at),
                    "workflow_id": a.workflow_id,
                }
                for a in adhesions
            ],
        }

    def _second_factor(self, subscriber_id: int) -> Json:
        """The policy (SECOND_FACTOR) and the space's authenticator app: off, pending (shown
        but never confirmed) or on, with how many recovery codes are left."""
        app = self._totp.get(subscriber_id)
        state = "off" if app is None else "on" if app.confirmed_at is not None else "pending"
        return {
            "policy": self._settings.second_factor.value,
            "totp": state,
            "totp_since": _iso(app.confirmed_at) if app is not None else None,
            "recovery_codes_left": self._totp.recovery_codes_left(subscriber_id)
            if state == "on"
            else 0,
        }

    def _devices(self, subscriber_id: int, now: datetime) -> list[Json]:
        """The browsers recognised now (forgotten or expired ones are not)."""
        devices = self._devices_repo.list_for(subscriber_id, now, self._settings.device_lifetime)
        return [
            {
                "device_id": d.device_id,
                "browser": describe_browser(d.user_agent),
                "first_seen": _iso(d.first_seen),
                "last_seen": _iso(d.last_seen),
            }
            for d in devices
        ]

    def _processes(self, subscriber: Subscriber, adhesions: list[Any]) -> list[Process]:
        enrollment_id, _, enrollment_run = subscriber.enrollment_key.partition("/")
        email = normalise_email(subscriber.email)
        return [
            Process("enrollment", enrollment_id, enrollment_run),
            Process("password_reset", RESET_PREFIX + self._keyed.identifier_digest(email)),
            Process(
                "email_change",
                EMAIL_CHANGE_PREFIX + self._keyed.subscriber_digest(subscriber.subscriber_number),
            ),
            *(Process("adhesion", a.workflow_id, a.run_id) for a in adhesions),
        ]

    async def _describe(self, process: Process) -> Json:
        """What Temporal says of the process's run: execution state and its status attribute."""
        found: Json = {"kind": process.kind, "workflow_id": process.workflow_id}
        run_id = process.run_id or None  # None: the latest run
        handle = self._client.get_workflow_handle(process.workflow_id, run_id=run_id)
        try:
            description = await handle.describe()
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
            return found | {"run_id": process.run_id, "execution": "not_found", "status": None}
        attributes = description.typed_search_attributes
        status = attributes.get(ENROLLMENT_STATUS) or attributes.get(ADHESION_STATUS)
        execution = description.status.name.lower() if description.status else "unknown"
        if status is None and execution == "running":
            # The reset and the e-mail change keep no status attribute: ask the run itself.
            try:
                status = str(await handle.query("status"))
            except (RPCError, WorkflowQueryFailedError):
                status = None
        return found | {"run_id": description.run_id, "execution": execution, "status": status}

    # -- subscriber unlock, end-sessions -------------------------------------------------------

    async def unlock(self, target: str, operator: str) -> Json:
        subscriber = await asyncio.to_thread(self.find, target)
        before = await asyncio.to_thread(self._throttle.unlock, subscriber.email)
        await asyncio.to_thread(self.events.record_support, subscriber.id, operator, "unlock")
        return {
            "subscriber_number": subscriber.subscriber_number,
            "was_locked": before.locked_until is not None,
            "failures_forgotten": before.failures,
        }

    async def end_sessions(self, target: str, operator: str) -> Json:
        subscriber = await asyncio.to_thread(self.find, target)
        assert subscriber.id is not None
        ended = await asyncio.to_thread(self._sessions.revoke_all, subscriber.id)
        await asyncio.to_thread(self.events.record_support, subscriber.id, operator, "end_sessions")
        return {"subscriber_number": subscriber.subscriber_number, "sessions_ended": ended}

    # -- subscriber totp-off ------------------------------------------------------------------

    async def totp_off(self, target: str, operator: str) -> Json:
        """Turn the authenticator app off for a person who lost it (identity checked by the
        desk): the notice e-mail is started first, as for any sensitive change. With no app on,
        nothing is changed and nobody is told."""
        subscriber = await asyncio.to_thread(self.find, target)
        assert subscriber.id is not None
        removed = False
        app = await asyncio.to_thread(self._totp.get, subscriber.id)
        if app is not None and app.confirmed_at is None:
            # An enrolment never confirmed: the app was never on; it goes, nobody is told.
            await asyncio.to_thread(self._totp.remove, subscriber.id)
        elif app is not None:
            now = datetime.now(UTC)
            notice = await self._notifier.notify(subscriber.email, Change.TOTP_DISABLED, now)
            try:
                removed = await asyncio.to_thread(self._totp.remove, subscriber.id)
            except BaseException:
                await self._notifier.withdraw(notice)
                raise
            if not removed:  # turned off by the person a moment ago: their own notice went
                await self._notifier.withdraw(notice)
        if removed:
            await asyncio.to_thread(self.events.record, subscriber.id, EventType.TOTP_DISABLED)
        await asyncio.to_thread(self.events.record_support, subscriber.id, operator, "totp_off")
        return {
            "subscriber_number": subscriber.subscriber_number,
            "totp_was_on": removed,
            "person_told": removed,
        }

    # -- events export ------------------------------------------------------------------------

    async def export(self, since: datetime, operator: str) -> list[Json]:
        """Every event from `since`, oldest first, as JSON objects (one line each)."""
        await asyncio.to_thread(self.events.record_support, None, operator, "events_export")
        rows = await asyncio.to_thread(self.events.exported, since)
        numbers = await asyncio.to_thread(self._numbers, {r.subscriber_id for r in rows})
        return [
            {
                "id": row.id,
                "subscriber_number": numbers.get(row.subscriber_id) if row.subscriber_id else None,
                "type": row.type.value,
                "at": _iso(row.at),
                "browser": row.browser,
                "network": row.network,
                "operator": row.operator,
                "action": row.action,
            }
            for row in rows
        ]

    def _numbers(self, ids: set[int | None]) -> dict[int, str]:
        found = {}
        for subscriber_id in ids:
            if subscriber_id is not None:
                subscriber = self._subscribers.get(subscriber_id)
                if subscriber is not None:
                    found[subscriber_id] = subscriber.subscriber_number
        return found


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
