"""Activities on the subscriber database: create the subscriber, render and store the recap."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.inputs import CreateSubscriber, RenderRecap, SubscriberCreated
from documents.recap_pdf import RecapRender, render_recap_pdf
from domain.problems import ProblemCode
from storage.subscribers import EmailTaken, SubscriberRepository


class SubscriberActivities:
    """Synchronous (database and PDF work): the worker runs them in a thread pool."""

    def __init__(
        self, repository: SubscriberRepository, render: RecapRender = render_recap_pdf
    ) -> None:
        self._repository = repository
        self._render = render

    @activity.defn
    def create_subscriber(self, request: CreateSubscriber) -> SubscriberCreated:
        try:
            subscriber = self._repository.create_once(request)
        except EmailTaken:
            raise ApplicationError(
                "identifier already belongs to a subscriber",
                type=ProblemCode.ALREADY_SUBSCRIBED.value,
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
        pdf = self._render(subscriber.view(), datetime.now(UTC))
        self._repository.save_recap(request.subscriber_id, pdf)
