"""Reading and writing invitations: a service's own, found by ID or by its reference."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from domain.models import InvitationStatus
from storage.engine import session_scope
from storage.tables import Invitation


class ReferenceTaken(Exception):
    """The client already has an invitation with this reference."""


def new_invitation_id() -> str:
    return secrets.token_hex(16)


class InvitationRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reserve(self, invitation: Invitation) -> Invitation:
        """Insert a new invitation; ReferenceTaken if the client's reference is in use (two
        identical requests at once: one inserts, the other finds it)."""
        try:
            with session_scope(self.engine) as session:
                session.add(invitation)
        except IntegrityError:
            raise ReferenceTaken from None
        return invitation

    def release(self, invitation_id: str) -> None:
        """Forget an invitation whose enrollment could not start: nothing half-made is left."""
        with session_scope(self.engine) as session:
            session.exec(delete(Invitation).where(col(Invitation.id) == invitation_id))

    def get(self, client_id: str, invitation_id: str) -> Invitation | None:
        """The client's invitation; None for an unknown ID and for another client's alike."""
        with Session(self.engine) as session:
            return session.exec(
                select(Invitation).where(
                    col(Invitation.id) == invitation_id, col(Invitation.client_id) == client_id
                )
            ).first()

    def by_reference(self, client_id: str, external_reference: str) -> Invitation | None:
        with Session(self.engine) as session:
            return session.exec(
                select(Invitation).where(
                    col(Invitation.client_id) == client_id,
                    col(Invitation.external_reference) == external_reference,
                )
            ).first()

    def record(
        self,
        invitation_id: str,
        status: InvitationStatus,
        at: datetime,
        *,
        expires_at: datetime | None,
        subscriber_number: str | None,
    ) -> bool:
        """Write where an invitation stands (idempotent: a retry writes the same). False if
        the row is gone."""
        with session_scope(self.engine) as session:
            invitation = session.get(Invitation, invitation_id)
            if invitation is None:
                return False
            invitation.status = status.value
            invitation.expires_at = expires_at
            if status is InvitationStatus.ACTIVATED:
                invitation.activated_at = invitation.activated_at or at
                invitation.subscriber_number = subscriber_number
            elif status is not InvitationStatus.INVITED:
                invitation.ended_at = invitation.ended_at or at
            session.add(invitation)
        return True
