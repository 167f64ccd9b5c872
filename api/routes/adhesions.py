"""Adhésions: one space, many companies (API.md « Adhésions », SPEC §7). Bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.schemas.adhesions import AdhesionCodeIn, AdhesionId, AdhesionIn, AdhesionOut
from http_common.deps import AdhesionsDep, SubscriberDep, client_description

router = APIRouter(prefix="/api/v1/me/adhesions", tags=["adhesions"])


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def request_adhesion(
    body: AdhesionIn,
    request: Request,
    subscriber: SubscriberDep,
    adhesions: AdhesionsDep,
    response: Response,
) -> AdhesionOut:
    """Ask for a company by SIREN; its code goes by post to its registered address."""
    adhesion = await adhesions.request(
        subscriber, body.company_identifier, client_description(request)
    )
    response.headers["Location"] = f"{router.prefix}/{adhesion.id}"
    return AdhesionOut.of(adhesion)


@router.get("")
async def list_adhesions(subscriber: SubscriberDep, adhesions: AdhesionsDep) -> list[AdhesionOut]:
    return [AdhesionOut.of(a) for a in await adhesions.listed(subscriber)]


@router.get("/{adhesion_id}")
async def get_adhesion(
    adhesion_id: AdhesionId, subscriber: SubscriberDep, adhesions: AdhesionsDep
) -> AdhesionOut:
    return AdhesionOut.of(await adhesions.get(subscriber, adhesion_id))


@router.post("/{adhesion_id}/activate")
async def activate_adhesion(
    adhesion_id: AdhesionId,
    body: AdhesionCodeIn,
    request: Request,
    subscriber: SubscriberDep,
    adhesions: AdhesionsDep,
) -> AdhesionOut:
    client = client_description(request)
    return AdhesionOut.of(await adhesions.activate(subscriber, adhesion_id, body.code, client))


@router.post("/{adhesion_id}/resend", status_code=status.HTTP_202_ACCEPTED)
async def resend_letter(
    adhesion_id: AdhesionId, subscriber: SubscriberDep, adhesions: AdhesionsDep
) -> AdhesionOut:
    """A new letter; the previous code is void."""
    return AdhesionOut.of(await adhesions.resend(subscriber, adhesion_id))


@router.delete("/{adhesion_id}", status_code=status.HTTP_204_NO_CONTENT)
async def end_adhesion(
    adhesion_id: AdhesionId, request: Request, subscriber: SubscriberDep, adhesions: AdhesionsDep
) -> Response:
    """Résilier an active adhésion; withdraw a pending request."""
    await adhesions.end(subscriber, adhesion_id, client_description(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
