"""Activities on the subscriber database: create the subscriber, render and store the recap."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.inputs import CreateSubscriber, RenderRecap, SubscriberCreated
from documents.recap_pdf import render_recap_pdf
from storage.subscribers import EmailTaken, SubscriberRepository

ALREADY_SUBSCRIBED = "AlreadySubscribed"


class SubscriberActivities:
    """Synchronous (database and PDF work): the worker runs them in a thread pool."""

    def __init__(self, repository: SubscriberRepository) -> None:
        self._repository = repository

    @activity.defn
    def create_subscriber(self, request: CreateSubscriber) -> SubscriberCreated:
        details = request.details
        fields = {
            "enrollment_key": request.enrollment_key,
            "email": request.email,
            "password_hash": request.password_hash,
            "trust_answer_hash": request.trust_answer_hash,
            "civility": details.civility.value,
            "last_name": details.last_name,
            "first_name": details.first_name,
            "company_foreign": details.company.foreign,
            "company_identifier": details.company.identifier,
            "company_name": request.company_name,
            "trust_question": details.trust_question,
            "terms_version": request.terms_version,
            "terms_accepted_at": request.terms_accepted_at,
            "activated_at": request.activated_at,
            **details.contact.model_dump(),
        }
        try:
            subscriber = self._repository.create_once(fields)
        except EmailTaken:
            raise ApplicationError(
                "identifier already belongs to a subscriber",
                type=ALREADY_SUBSCRIBED,
                non_retryable=True,
            ) from None
        assert subscriber.id is not None
        return SubscriberCreated(
            subscriber_id=subscriber.id, subscriber_number=subscriber.subscriber_number
        )

    @activity.defn
    def render_recap(self, request: RenderRecap) -> None:
        subscriber = self._repository.get(request.subscriber_id)
        if subscriber is None:
            raise ApplicationError("subscriber not found", non_retryable=True)
        pdf = render_recap_pdf(subscriber, printed_at=datetime.now(UTC))
        self._repository.save_recap(request.subscriber_id, pdf)
