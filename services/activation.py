"""Activation, then the new subscriber's first session: one step for the API and the pages."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.enrollments import EnrollmentService
from services.subscribers import IssuedSession, SubscriberService


@dataclass(frozen=True, slots=True)
class Activation:
    subscriber_number: str
    email: str
    session: IssuedSession


async def activate_and_open_session(
    enrollments: EnrollmentService,
    subscribers: SubscriberService,
    email: str,
    code: str,
    *,
    client_address: str | None,
    user_agent: str = "",
) -> Activation:
    """The code creates the subscriber, who is signed in at once: the API answers with the
    session's token, the pages keep it in their cookie. The browser that proved the address is
    recognised from now on (SPEC §9): the session comes with a device token."""
    activated = await enrollments.activate(email, code.strip(), client_address=client_address)
    session = await asyncio.to_thread(
        subscribers.open_session_on_new_device, activated.subscriber_id, user_agent
    )
    return Activation(activated.subscriber_number, activated.email, session)
