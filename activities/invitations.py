"""Activity: keep a service's view of its invitation in step with the enrollment workflow."""

from __future__ import annotations

from temporalio import activity

from activities.inputs import RecordInvitation
from storage.invitations import InvitationRepository


class InvitationActivities:
    """Synchronous (database work): the worker runs it in a thread pool."""

    def __init__(self, repository: InvitationRepository) -> None:
        self._repository = repository

    @activity.defn
    def record_invitation(self, request: RecordInvitation) -> None:
        found = self._repository.record(
            request.invitation_id,
            request.status,
            request.activated_at or request.at,
            expires_at=request.expires_at,
            subscriber_number=request.subscriber_number,
        )
        if not found:
            # The API releases a row only when the enrollment did not start: nothing to keep.
            activity.logger.warning("invitation row missing; nothing recorded")
