"""Activation, then the new subscriber's first session: one step for the API and the pages."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from domain.models import AcceptanceForm
from services.enrollments import Activated, EnrollmentService
from services.invitations import InvitationService
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
    session's token, the pages keep it in their cookie."""
    activated = await enrollments.activate(email, code.strip(), client_address=client_address)
    return await open_first_session(subscribers, activated, user_agent, client_address)


async def accept_invitation_and_open_session(
    invitations: InvitationService,
    subscribers: SubscriberService,
    email: str,
    code: str,
    form: AcceptanceForm,
    *,
    client_address: str | None,
    user_agent: str = "",
) -> Activation:
    """An invitation accepted in one call ends like an activation: the new subscriber is
    signed in at once."""
    accepted = await invitations.accept(email, code, form, client_address=client_address)
    return await open_first_session(subscribers, accepted, user_agent, client_address)


async def open_first_session(
    subscribers: SubscriberService,
    activated: Activated,
    user_agent: str,
    client_address: str | None,
) -> Activation:
    """The new subscriber's first session, after an activation or an accepted invitation. The
    browser that proved the address is recognised from now on (SPEC §9): the session comes with
    a device token. It is a sign-in: the account's activity shows it (`sign_in`, in the
    session's write; "" rather than None, a sign-in without a known address is still one)."""
    session = await asyncio.to_thread(
        subscribers.open_session_on_new_device,
        activated.subscriber_id,
        user_agent,
        client_address or "",
    )
    return Activation(activated.subscriber_number, activated.email, session)
