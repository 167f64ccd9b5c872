"""The subscriber's own changes (SPEC §6): password, contact details, sessions, closing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from api.openapi import problems
from api.schemas.account import (
    ContactChangeIn,
    EmailChangeCodeIn,
    EmailChangeIn,
    EmailChangeOut,
    PasswordChangeIn,
    SecretsIn,
    SessionId,
    SessionItemOut,
)
from api.schemas.common import ProfileOut
from domain.errors import FieldError, InvalidFields
from http_common.deps import (
    AccountDep,
    EmailChangesDep,
    SignedInDep,
    client_address,
    client_description,
)

router = APIRouter(prefix="/api/v1/me", tags=["account"])

CONTACT_PREFIX = "contact."


@router.put("/password", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 429))
async def change_password(
    form: PasswordChangeIn, request: Request, signed_in: SignedInDep, account: AccountDep
) -> Response:
    await account.change_password(signed_in, form, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/email-change", status_code=status.HTTP_202_ACCEPTED, responses=problems(403, 409, 429)
)
async def request_email_change(
    form: EmailChangeIn, request: Request, signed_in: SignedInDep, changes: EmailChangesDep
) -> EmailChangeOut:
    requested = await changes.request(signed_in, form, client_address=client_address(request))
    return EmailChangeOut(new_email=requested.new_email, expires_at=requested.expires_at)


@router.post("/email-change/confirm", responses=problems(404, 409, 410, 429))
async def confirm_email_change(
    form: EmailChangeCodeIn, request: Request, signed_in: SignedInDep, changes: EmailChangesDep
) -> ProfileOut:
    confirmed = await changes.confirm(signed_in, form, client_description(request))
    return ProfileOut.from_subscriber(confirmed)


@router.patch("/contact")
async def change_contact(
    form: ContactChangeIn, request: Request, signed_in: SignedInDep, account: AccountDep
) -> ProfileOut:
    try:
        updated = await account.change_contact(
            signed_in,
            form,
            given=set(form.model_fields_set),
            client=client_description(request),
        )
    except InvalidFields as error:
        # The body is the contact object itself: its fields are named from there.
        raise InvalidFields(
            [
                FieldError(e.field.removeprefix(CONTACT_PREFIX), e.code, e.message)
                for e in error.errors
            ]
        ) from None
    return ProfileOut.from_subscriber(updated)


@router.get("/sessions")
async def list_sessions(signed_in: SignedInDep, account: AccountDep) -> list[SessionItemOut]:
    sessions = await run_in_threadpool(account.sessions, signed_in)
    return [
        SessionItemOut(
            session_id=s.session_id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            user_agent=s.user_agent,
            current=s.current,
        )
        for s in sessions
    ]


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def end_session(
    session_id: SessionId, request: Request, signed_in: SignedInDep, account: AccountDep
) -> Response:
    await run_in_threadpool(account.end_session, signed_in, session_id, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/sessions", status_code=status.HTTP_204_NO_CONTENT)
async def end_other_sessions(
    request: Request, signed_in: SignedInDep, account: AccountDep
) -> Response:
    await run_in_threadpool(account.end_other_sessions, signed_in, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 429))
async def close_space(form: SecretsIn, signed_in: SignedInDep, account: AccountDep) -> Response:
    await account.close(signed_in, form)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
