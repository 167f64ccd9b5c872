"""Activities of the code flows (SPEC §6): apply a password reset, apply an e-mail change.

Each is idempotent under retries: the same new password hash or the same new address written
twice is the same state. What cannot be done (the subscriber is gone, the address was taken
meanwhile) fails for good, with a type the workflow recognises.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.inputs import ApplyEmailChange, ApplyPasswordReset
from documents.recap_pdf import RecapRender, render_recap_pdf
from domain.client_description import ClientDescription
from domain.security_events import EventType
from storage.security_events import NewEvent, new_event
from storage.subscribers import EmailTaken, SubscriberRepository

SUBSCRIBER_GONE = "SubscriberGone"
EMAIL_TAKEN = "EmailTaken"


class AccountActivities:
    """Synchronous (database and PDF work): the worker runs them in its thread pool."""

    def __init__(
        self, repository: SubscriberRepository, render: RecapRender = render_recap_pdf
    ) -> None:
        self._repository = repository
        self._render = render

    @activity.defn
    def apply_password_reset(self, request: ApplyPasswordReset) -> None:
        """The new password; every session of the subscriber ends with the old one."""
        try:
            self._repository.set_password(
                request.subscriber_id,
                request.password_hash,
                expected_email=request.email,
                event=_event(request.subscriber_id, EventType.PASSWORD_RESET, request.client),
            )
        except LookupError:
            raise ApplicationError(
                "subscriber gone or identifier changed", type=SUBSCRIBER_GONE, non_retryable=True
            ) from None
        activity.logger.info("password reset applied")

    @activity.defn
    def apply_email_change(self, request: ApplyEmailChange) -> None:
        """The new identifier; other sessions end; the recap is rendered again."""
        subscriber = self._repository.get(request.subscriber_id)
        if subscriber is None:
            raise ApplicationError("subscriber gone", type=SUBSCRIBER_GONE, non_retryable=True)
        if subscriber.email not in (request.old_email, request.new_email):
            raise ApplicationError(
                "identifier changed meanwhile", type=SUBSCRIBER_GONE, non_retryable=True
            )
        try:
            updated = self._repository.change_email(
                request.subscriber_id,
                request.new_email,
                request.changed_at,
                keep_session=request.keep_session,
                event=_event(
                    request.subscriber_id,
                    EventType.EMAIL_CHANGED,
                    request.client,
                    at=request.changed_at,
                ),
            )
        except EmailTaken:
            raise ApplicationError(
                "the new address is another subscriber's", type=EMAIL_TAKEN, non_retryable=True
            ) from None
        pdf = self._render(updated.view(), datetime.now(UTC))
        self._repository.save_recap(request.subscriber_id, pdf)
        activity.logger.info("e-mail change applied")


def _event(
    subscriber_id: int,
    type: EventType,
    client: ClientDescription,
    at: datetime | None = None,
) -> NewEvent:
    """The event of the change this activity makes, keyed by its run: a retry records none."""
    info = activity.info()
    return new_event(
        subscriber_id,
        type,
        client=client,
        at=at,
        dedup_key=f"{info.workflow_id}/{info.workflow_run_id}/{type.value}",
    )
