"""The one recorder of security events (SPEC §9): every part of the product that acts on a
space calls `EventRecorder.record`, and the activity page and the admin read through it.

See docs/activity.md for who records what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from domain.client_description import NO_CLIENT, ClientDescription
from domain.retention import EVENTS_KEPT
from domain.security_events import EventType
from storage.security_events import SecurityEventRepository, new_event, support_event
from storage.tables import SecurityEvent

# What the subscriber sees of their account: every event the purge has not yet deleted.
ACTIVITY_PERIOD = EVENTS_KEPT


@dataclass(frozen=True, slots=True)
class ActivityItem:
    type: EventType
    at: datetime
    browser: str
    network: str


class EventRecorder:
    def __init__(self, engine: Engine) -> None:
        self._events = SecurityEventRepository(engine)

    def record(
        self,
        subscriber_id: int,
        type: EventType,
        *,
        client: ClientDescription = NO_CLIENT,
        operator: str | None = None,
        dedup_key: str | None = None,
        at: datetime | None = None,
        session: Session | None = None,
    ) -> bool:
        """Append one event. `client` describes who acted (ClientDescription.of(user_agent,
        address)); `operator` names the assistance desk's member for a support action;
        `dedup_key` makes a retried activity record once; `session` joins the transaction that
        makes the change. Returns False only when `dedup_key` was already recorded."""
        event = new_event(
            subscriber_id, type, client=client, operator=operator, dedup_key=dedup_key, at=at
        )
        return self._events.append(event, session)

    def record_support(
        self,
        subscriber_id: int | None,
        operator: str,
        action: str,
        session: Session | None = None,
    ) -> None:
        """The assistance desk's trace: `operator` did `action` to the space (or to none)."""
        self._events.append(support_event(subscriber_id, operator, action), session)

    def activity(self, subscriber_id: int, now: datetime | None = None) -> list[ActivityItem]:
        """The subscriber's last 12 months, newest first."""
        since = (now or datetime.now(UTC)) - ACTIVITY_PERIOD
        return [
            ActivityItem(event.type, _aware(event.at), event.browser, event.network)
            for event in self._events.for_subscriber(subscriber_id, since)
        ]

    def exported(self, since: datetime) -> list[SecurityEvent]:
        return list(self._events.since(since))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
