"""Invitations (API.md « Services »): a backend service invites, reads and withdraws; the
invited person accepts (public)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.openapi import problems
from api.routes.activations import activation_answer
from api.schemas.activations import ActivationOut
from api.schemas.invitations import AcceptanceIn, InvitationCreatedOut, InvitationIn, InvitationOut
from api.service_auth import EnrollmentsClient
from domain.problems import ProblemCode
from http_common.deps import InvitationsDep, SubscribersDep, client_address, user_agent
from http_common.problem_json import problem
from services.activation import accept_invitation_and_open_session
from services.invitations import Caller

router = APIRouter(prefix="/api/v1/invitations", tags=["invitations"])

# The identifier's shape (storage.invitations.new_invitation_id), declared for the clients; any
# other string is simply unknown (404).
InvitationId = Annotated[str, Path(json_schema_extra={"pattern": "^[0-9a-f]{32}$"})]


def _caller(client: EnrollmentsClient) -> Caller:
    return Caller(client_id=client.client_id, name=client.name)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": InvitationCreatedOut,
            "description": "La même référence\u00a0: l'invitation déjà faite.",
        },
        **problems(401, 403, 409, 429),
    },
)
async def invite(
    form: InvitationIn, client: EnrollmentsClient, invitations: InvitationsDep, response: Response
) -> InvitationCreatedOut:
    made = await invitations.invite(_caller(client), form)
    response.headers["Location"] = f"/api/v1/invitations/{made.info.invitation_id}"
    if not made.created:
        response.status_code = status.HTTP_200_OK
    return InvitationCreatedOut.of(made.info)


@router.get("", responses=problems(401, 403, 429))
async def find_invitations(
    client: EnrollmentsClient,
    invitations: InvitationsDep,
    external_reference: Annotated[str, Query(min_length=1, max_length=100)],
) -> list[InvitationOut]:
    found = await invitations.find(_caller(client), external_reference)
    return [InvitationOut.of(info) for info in found]


@router.api_route("/accept", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def accept_other_methods() -> Response:
    """`/accept` is not an invitation ID: only POST is allowed there (405, not the 401 that
    the service routes below would answer for an unknown method)."""
    return problem(
        status.HTTP_405_METHOD_NOT_ALLOWED,
        ProblemCode.METHOD_NOT_ALLOWED,
        "Méthode non autorisée",
        "Seule la méthode POST est acceptée ici.",
        headers={"Allow": "POST"},
    )


@router.get("/{invitation_id}", responses=problems(401, 403, 429))
async def get_invitation(
    invitation_id: InvitationId, client: EnrollmentsClient, invitations: InvitationsDep
) -> InvitationOut:
    return InvitationOut.of(await invitations.get(_caller(client), invitation_id))


@router.delete(
    "/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(401, 403, 409, 429),
)
async def withdraw_invitation(
    invitation_id: InvitationId, client: EnrollmentsClient, invitations: InvitationsDep
) -> Response:
    await invitations.withdraw(_caller(client), invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/accept", status_code=status.HTTP_201_CREATED, responses=problems(410, 429))
async def accept_invitation(
    body: AcceptanceIn,
    request: Request,
    invitations: InvitationsDep,
    subscribers: SubscribersDep,
) -> ActivationOut:
    activation = await accept_invitation_and_open_session(
        invitations,
        subscribers,
        body.email,
        body.code,
        body,
        client_address=client_address(request),
        user_agent=user_agent(request),
    )
    return activation_answer(activation)
