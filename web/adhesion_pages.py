"""« Mes adhésions », « Demander une adhésion », « Activer une adhésion », résilier (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter
from starlette.responses import Response

from domain.errors import InvalidFields
from domain.formatting import french_datetime
from domain.models import AdhesionStatus
from domain.rules import format_siren
from http_common.deps import AdhesionsDep, client_description
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts
from storage.tables import Adhesion
from web.forms import text
from web.page import SIGNED_IN, FormPage, MeDep, Page, PageDep, PageRoute, SpacePostDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LIST = "/espace/adhesions"
NEW = "/espace/adhesions/nouvelle"
ACTIVATE = "/espace/adhesions/activer"

# What the list page says after each action (`?fait=<key>&id=<adhesion>`).
NOTICES = {
    "demandee": "Votre demande d'adhésion est enregistrée. Le code d'adhésion est envoyé par "
    "courrier à l'adresse du siège de l'entreprise.",
    "courrier": "Un nouveau courrier est envoyé au siège de l'entreprise. Le code du courrier "
    "précédent n'est plus valable.",
    "activee": "L'adhésion est active : les services en ligne de cette entreprise sont "
    "accessibles depuis votre espace.",
    "resiliee": "L'adhésion est résiliée.",
    "retiree": "La demande d'adhésion est retirée ; le code envoyé n'est plus valable.",
}


@dataclass(frozen=True, slots=True)
class AdhesionRow:
    """One adhésion as « Mes adhésions » shows it."""

    id: str
    siren: str
    company_name: str
    address: str
    status: AdhesionStatus
    status_label: str
    requested_at: str
    activated_at: str | None
    expires_at: str | None
    ended_at: str | None
    letters_sent: int
    letters_left: int


def _row(adhesion: Adhesion, max_resends: int) -> AdhesionRow:
    status = AdhesionStatus(adhesion.status)
    pending = status is AdhesionStatus.PENDING
    return AdhesionRow(
        id=adhesion.id,
        siren=format_siren(adhesion.siren),
        company_name=adhesion.company_name,
        address=adhesion.company_address,
        status=status,
        status_label=status.label,
        requested_at=french_datetime(adhesion.requested_at),
        activated_at=french_datetime(adhesion.activated_at) if adhesion.activated_at else None,
        expires_at=french_datetime(adhesion.expires_at) if pending else None,
        ended_at=french_datetime(adhesion.ended_at) if adhesion.ended_at else None,
        letters_sent=adhesion.letters_sent,
        letters_left=max(0, max_resends + 1 - adhesion.letters_sent) if pending else 0,
    )


def _done(action: str, adhesion_id: str) -> str:
    return f"{LIST}?fait={action}&id={adhesion_id}"


# -- « Mes adhésions » ----------------------------------------------------------------------------


@router.get(LIST)
async def adhesions_list(page: PageDep, me: MeDep, adhesions: AdhesionsDep) -> Response:
    max_resends = page.settings.adhesion_max_resends
    rows = [_row(a, max_resends) for a in await adhesions.listed(me.subscriber)]
    done = page.request.query_params.get("fait", "")
    about = page.request.query_params.get("id", "")
    concerned = next((r for r in rows if r.id == about), None)
    return page.render(
        "adhesions.html",
        rows=rows,
        notice=NOTICES.get(done),
        concerned=concerned,
        limit=page.settings.adhesions_per_space,
        open_count=sum(r.status in (AdhesionStatus.PENDING, AdhesionStatus.ACTIVE) for r in rows),
    )


# -- « Demander une adhésion » --------------------------------------------------------------------


def _new_adhesion_page(page: Page, identifier: str) -> FormPage:
    window_days = page.settings.adhesion_window.days
    context = {"window_days": window_days, "values": {"company_identifier": identifier}}
    return FormPage(page, "adhesion_new.html", context)


@router.get(NEW, dependencies=[SIGNED_IN])
async def new_adhesion(page: PageDep) -> Response:
    return _new_adhesion_page(page, "").again(200)


@router.post(NEW)
async def request_adhesion(
    page: PageDep, posted: SpacePostDep, adhesions: AdhesionsDep
) -> Response:
    identifier = text(posted.data, "company_identifier")
    try:
        adhesion = await adhesions.request(
            posted.me.subscriber, identifier, client_description(page.request)
        )
    except InvalidFields as error:
        return _new_adhesion_page(page, identifier).invalid(error)
    except Conflict as error:
        return _new_adhesion_page(page, identifier).alert(error)
    return page.redirect(_done("demandee", adhesion.id))


# -- « Activer une adhésion » ---------------------------------------------------------------------


@router.get(ACTIVATE, dependencies=[SIGNED_IN])
async def activation_form(page: PageDep) -> Response:
    siren = page.request.query_params.get("siren", "")[:20]
    return page.render("adhesion_activate.html", values={"siren": siren})


@router.post(ACTIVATE)
async def activate_adhesion(
    page: PageDep, posted: SpacePostDep, adhesions: AdhesionsDep
) -> Response:
    siren = text(posted.data, "siren")
    code = text(posted.data, "code")
    again = FormPage(page, "adhesion_activate.html", {"values": {"siren": siren}})
    try:
        adhesion = await adhesions.activate_siren(
            posted.me.subscriber, siren, code, client_description(page.request)
        )
    except InvalidFields as error:
        return again.invalid(error)
    except InvalidCode as error:
        return again.refused_at(error, "code")
    except (NotFound, Expired, TooManyAttempts, Conflict) as error:
        return again.alert(error, offer_letter=isinstance(error, TooManyAttempts))
    return page.redirect(_done("activee", adhesion.id))


# -- a new letter, résilier, withdraw -------------------------------------------------------------


@router.post(LIST + "/{adhesion_id}/nouveau-courrier")
async def new_letter(
    adhesion_id: str, page: PageDep, posted: SpacePostDep, adhesions: AdhesionsDep
) -> Response:
    # Over the limit, or no longer pending, PageRoute shows the service's French answer.
    adhesion = await adhesions.resend(posted.me.subscriber, adhesion_id)
    return page.redirect(_done("courrier", adhesion.id))


@router.get(LIST + "/{adhesion_id}/fin")
async def end_confirmation(
    adhesion_id: str, page: PageDep, me: MeDep, adhesions: AdhesionsDep
) -> Response:
    adhesion = await adhesions.get(me.subscriber, adhesion_id)
    return page.render("adhesion_end.html", row=_row(adhesion, page.settings.adhesion_max_resends))


@router.post(LIST + "/{adhesion_id}/fin")
async def end_adhesion(
    adhesion_id: str, page: PageDep, posted: SpacePostDep, adhesions: AdhesionsDep
) -> Response:
    subscriber = posted.me.subscriber
    adhesion = await adhesions.get(subscriber, adhesion_id)
    action = "retiree" if adhesion.status == AdhesionStatus.PENDING.value else "resiliee"
    await adhesions.end(subscriber, adhesion_id, client_description(page.request))
    return page.redirect(_done(action, adhesion_id))
