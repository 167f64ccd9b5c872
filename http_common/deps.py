"""Dependencies: the services built at start-up, and the signed-in subscriber."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.client_description import ClientDescription
from http_common.state import AppState
from services.account import AccountService
from services.adhesions import AdhesionService
from services.devices import DeviceService
from services.email_changes import EmailChangeService
from services.enrollments import EnrollmentService
from services.errors import Unauthorized
from services.invitations import InvitationService
from services.password_resets import PasswordResetService
from services.second_step import SecondStepService
from services.security_events import EventRecorder
from services.subscribers import SignedIn, SubscriberService
from services.totp import TotpService
from storage.tables import Subscriber

# The dependencies below are coroutines although they only look an attribute up: FastAPI runs
# a plain function dependency in its thread pool, a thread hop per dependency per request.


async def get_state(request: Request) -> AppState:
    return _state(request)


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.services
    return state


StateDep = Annotated[AppState, Depends(get_state)]


async def get_enrollments(state: StateDep) -> EnrollmentService:
    return state.enrollments


async def get_subscribers(state: StateDep) -> SubscriberService:
    return state.subscribers


async def get_adhesions(state: StateDep) -> AdhesionService:
    return state.adhesions


async def get_account(state: StateDep) -> AccountService:
    return state.account


EnrollmentsDep = Annotated[EnrollmentService, Depends(get_enrollments)]
SubscribersDep = Annotated[SubscriberService, Depends(get_subscribers)]
AdhesionsDep = Annotated[AdhesionService, Depends(get_adhesions)]
AccountDep = Annotated[AccountService, Depends(get_account)]


async def get_password_resets(state: StateDep) -> PasswordResetService:
    return state.password_resets


async def get_email_changes(state: StateDep) -> EmailChangeService:
    return state.email_changes


async def get_invitations(state: StateDep) -> InvitationService:
    return state.invitations


InvitationsDep = Annotated[InvitationService, Depends(get_invitations)]


async def get_events(state: StateDep) -> EventRecorder:
    return state.events


EventsDep = Annotated[EventRecorder, Depends(get_events)]
PasswordResetsDep = Annotated[PasswordResetService, Depends(get_password_resets)]
EmailChangesDep = Annotated[EmailChangeService, Depends(get_email_changes)]


async def get_second_step(state: StateDep) -> SecondStepService:
    return state.second_step


async def get_totp(state: StateDep) -> TotpService:
    return state.totp


async def get_devices(state: StateDep) -> DeviceService:
    return state.devices


SecondStepDep = Annotated[SecondStepService, Depends(get_second_step)]
TotpDep = Annotated[TotpService, Depends(get_totp)]
DevicesDep = Annotated[DeviceService, Depends(get_devices)]

_bearer = HTTPBearer(auto_error=False)


async def current_subscriber(
    subscribers: SubscribersDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Subscriber:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Session absente ou expirée : identifiez-vous.")
    return await run_in_threadpool(subscribers.authenticate, credentials.credentials)


SubscriberDep = Annotated[Subscriber, Depends(current_subscriber)]


async def current_session(
    subscribers: SubscribersDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    """The subscriber and which of their sessions the bearer token is."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Session absente ou expirée : identifiez-vous.")
    return await run_in_threadpool(subscribers.authenticate_session, credentials.credentials)


SignedInDep = Annotated[SignedIn, Depends(current_session)]


def user_agent(request: Request) -> str:
    """The browser's own name for itself, shown in the subscriber's list of sessions."""
    return request.headers.get("user-agent", "")


def network_address(request: Request) -> str | None:
    """The caller's network address: the connection's peer, or behind a trusted proxy the
    address that proxy saw (http_common/client_address.py; TRUSTED_PROXIES)."""
    peer = request.client.host if request.client else None
    headers = [
        (name.decode("latin-1").lower(), value.decode("latin-1"))
        for name, value in request.scope["headers"]
    ]
    return _state(request).addresses.resolve(peer, headers)


def client_address(request: Request) -> str | None:
    """The address the public per-address limits count against, or None for an authenticated
    service call: a service's calls count against its own quota instead (SPEC §8). Limits per
    identifier or per recipient (code e-mails) still apply to it."""
    if getattr(request.state, "service_client_id", None) is not None:
        return None
    return network_address(request)


def mark_service_call(request: Request, client_id: str) -> None:
    """Set by the service key check (api/service_auth.py) once the key is accepted."""
    request.state.service_client_id = client_id


def client_description(request: Request) -> ClientDescription:
    """What a security event keeps of the caller: browser name and network, never the raw
    header nor the full address."""
    return ClientDescription.of(user_agent(request), network_address(request))
