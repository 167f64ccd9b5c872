"""Webhook endpoints and deliveries in the database (SPEC §8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from domain.webhooks import DeliveryStatus
from storage.engine import session_scope
from storage.tables import WebhookDelivery, WebhookEndpoint

RECENT_DELIVERIES = 100


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one delivery attempt left behind."""

    status: DeliveryStatus
    status_code: int | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None = None


class WebhookRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- endpoints -----------------------------------------------------------------------------

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        with session_scope(self.engine) as session:
            session.add(endpoint)

    def endpoints_of(self, client_id: str) -> list[WebhookEndpoint]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(WebhookEndpoint)
                    .where(col(WebhookEndpoint.client_id) == client_id)
                    .order_by(col(WebhookEndpoint.created_at))
                )
            )

    def endpoint(self, endpoint_id: str, client_id: str | None = None) -> WebhookEndpoint | None:
        """The endpoint; with `client_id`, only if that client owns it."""
        with Session(self.engine) as session:
            found = session.get(WebhookEndpoint, endpoint_id)
            if found is None or (client_id is not None and found.client_id != client_id):
                return None
            return found

    def delete_endpoint(self, endpoint_id: str, client_id: str) -> bool:
        with session_scope(self.engine) as session:
            result = session.exec(
                delete(WebhookEndpoint).where(
                    col(WebhookEndpoint.id) == endpoint_id,
                    col(WebhookEndpoint.client_id) == client_id,
                )
            )
            return bool(result.rowcount)

    def disable_endpoint(self, endpoint_id: str, now: datetime) -> None:
        with session_scope(self.engine) as session:
            found = session.get(WebhookEndpoint, endpoint_id)
            if found is not None and found.enabled:
                found.enabled = False
                found.disabled_at = now
                session.add(found)

    def subscribed(self, client_id: str, event_type: str) -> list[WebhookEndpoint]:
        return [
            e
            for e in self.endpoints_of(client_id)
            if e.enabled and event_type in e.event_types.split(",")
        ]

    # -- deliveries ----------------------------------------------------------------------------

    def add_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> None:
        with session_scope(self.engine) as session:
            session.add_all(deliveries)

    def delivery(self, delivery_id: str) -> WebhookDelivery | None:
        with Session(self.engine) as session:
            return session.get(WebhookDelivery, delivery_id)

    def recent_deliveries(self, endpoint_id: str) -> list[WebhookDelivery]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(WebhookDelivery)
                    .where(col(WebhookDelivery.endpoint_id) == endpoint_id)
                    .order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id))
                    .limit(RECENT_DELIVERIES)
                )
            )

    def record(self, delivery_id: str, attempt: Attempt, *, count: bool = True) -> None:
        """Store an attempt's outcome; `count`: one more attempt made (a manual retry keeps
        counting from the earlier ones)."""
        with session_scope(self.engine) as session:
            found = session.get(WebhookDelivery, delivery_id)
            if found is None:  # its endpoint was deleted meanwhile
                return
            found.attempts += 1 if count else 0
            found.status = attempt.status.value
            found.last_status_code = attempt.status_code
            found.next_attempt_at = attempt.next_attempt_at
            found.delivered_at = attempt.delivered_at or found.delivered_at
            session.add(found)

    def mark_pending(self, delivery_id: str) -> None:
        """A manual retry: pending again (its attempts keep counting up)."""
        with session_scope(self.engine) as session:
            found = session.get(WebhookDelivery, delivery_id)
            if found is not None:
                found.status = DeliveryStatus.PENDING.value
                found.next_attempt_at = None
                session.add(found)
