"""Pre-registration, screen by screen: terms, identifiers, details, recap, e-mail sent."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from starlette.responses import Response

from domain.errors import InvalidFields
from domain.models import EnrollmentStatus
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, Civility, countries
from domain.rules import MESSAGES
from http_common.deps import EnrollmentsDep
from services.errors import Conflict, NotFound
from web.display import details_values, full_name, moment, recap_of_details
from web.forms import by_field, details_form, identifiers_form, kept_values
from web.page import PageDep, PageRoute
from workflows.enrollment_messages import EmailDelivery, Recap

router = APIRouter(prefix="/inscription", route_class=PageRoute, include_in_schema=False)

EDITABLE = (EnrollmentStatus.IDENTIFIERS_SET, EnrollmentStatus.AWAITING_CONFIRMATION)


async def _current(page: PageDep, enrollments: EnrollmentsDep) -> Recap | None:
    """The browser's enrollment, or None (and forgotten) when there is none any more."""
    if not page.session.enrollment_id:
        return None
    try:
        return await enrollments.view(page.session.enrollment_id)
    except NotFound:
        page.session.enrollment_id = None
        return None


def _terms_accepted(page: PageDep) -> bool:
    return page.session.terms_version == page.settings.terms_version


# -- « Abonnement à votre espace »: the terms ---------------------------------------------------


@router.get("")
async def terms(page: PageDep) -> Response:
    return page.render("terms.html", terms_version=page.settings.terms_version)


@router.post("")
async def accept_terms(page: PageDep) -> Response:
    data = await page.form()
    if data.get("terms_accepted") is None:
        return page.render(
            "terms.html",
            status_code=422,
            terms_version=page.settings.terms_version,
            errors={"terms_accepted": MESSAGES["terms_not_accepted"]},
        )
    # A new procedure starts here: any earlier draft of this browser is no longer edited.
    page.session.enrollment_id = None
    page.session.terms_version = page.settings.terms_version
    return page.redirect("/inscription/identifiants")


# -- « Créer vos identifiants » -------------------------------------------------------------------


@router.get("/identifiants")
async def identifiers(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    if not _terms_accepted(page):
        return page.redirect("/inscription")
    values: dict[str, str] = {}
    recap = await _current(page, enrollments)
    if recap is not None and recap.status in EDITABLE:  # back from « Votre inscription »
        values = {"email": recap.email, "email_confirmation": recap.email}
    return page.render("identifiers.html", values=values)


@router.post("/identifiants")
async def submit_identifiers(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    data = await page.form()
    form = identifiers_form(data, terms_accepted=_terms_accepted(page))
    try:
        started = await enrollments.start(form, replaces=page.session.enrollment_id)
    except InvalidFields as error:
        errors = by_field(error.errors)
        if "terms_accepted" in errors:
            return page.redirect("/inscription")
        return page.render(
            "identifiers.html", status_code=422, errors=errors, values=kept_values(data)
        )
    except Conflict as error:
        return page.render(
            "identifiers.html",
            status_code=409,
            errors={"email": error.detail},
            values=kept_values(data),
            activation_pending=error.code == "activation_pending",
        )
    page.session.enrollment_id = started.enrollment_id
    return page.redirect("/inscription/informations")


@router.post("/quitter")
async def quit_enrollment(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    """« Quitter »: the draft and all it held are deleted; back to the home page."""
    await page.form()
    if page.session.enrollment_id:
        # Already gone, or confirmed: nothing is left to abandon here.
        with contextlib.suppress(NotFound, Conflict):
            await enrollments.abandon(page.session.enrollment_id)
    page.session.enrollment_id = None
    page.session.terms_version = None
    return page.redirect("/")


# -- « Votre inscription » ------------------------------------------------------------------------


def _details_page(
    page: PageDep, recap: Recap, status_code: int = 200, **context: object
) -> Response:
    return page.render(
        "details.html",
        status_code=status_code,
        email=recap.email,
        answered_before=recap.details is not None,
        civilities=[(c.value, c.label) for c in Civility],
        street_types=list(STREET_TYPES.items()),
        trust_questions=list(TRUST_QUESTIONS.items()),
        countries=countries(),
        **context,
    )


@router.get("/informations")
async def details(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    recap = await _current(page, enrollments)
    if recap is None:
        return page.redirect("/inscription")
    if recap.status not in EDITABLE:
        return page.redirect("/inscription/courriel-envoye")
    values = details_values(recap.details) if recap.details else {"contact.country": "FR"}
    return _details_page(page, recap, values=values)


@router.post("/informations")
async def submit_details(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    data = await page.form()
    recap = await _current(page, enrollments)
    if recap is None or page.session.enrollment_id is None:
        return page.redirect("/inscription")
    going_back = data.get("action") == "precedent"
    try:
        await enrollments.submit_details(page.session.enrollment_id, details_form(data))
    except InvalidFields as error:
        if not going_back:
            return _details_page(
                page, recap, 422, errors=by_field(error.errors), values=kept_values(data)
            )
        # Going back with an incomplete form: what was saved before stays saved.
    if going_back:
        return page.redirect("/inscription/identifiants")
    return page.redirect("/inscription/recapitulatif")


# -- the recap, and « Confirmer » -----------------------------------------------------------------


@router.get("/recapitulatif")
async def recap(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    current = await _current(page, enrollments)
    if current is None:
        return page.redirect("/inscription")
    if current.status not in EDITABLE:
        return page.redirect("/inscription/courriel-envoye")
    if current.details is None:
        return page.redirect("/inscription/informations")
    return page.render(
        "recap.html", recap=recap_of_details(current.details, current.email, current.company_name)
    )


@router.post("/recapitulatif")
async def confirm(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    await page.form()
    if page.session.enrollment_id is None:
        return page.redirect("/inscription")
    try:
        await enrollments.confirm(page.session.enrollment_id)
    except Conflict as error:
        if error.code == "details_missing":
            return page.redirect("/inscription/informations")
        raise
    # Confirmed: nothing is edited any more; a new enrollment starts again from the terms.
    page.session.terms_version = None
    return page.redirect("/inscription/courriel-envoye")


@router.get("/courriel-envoye")
async def mail_sent(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    current = await _current(page, enrollments)
    if current is None or current.details is None:
        return page.redirect("/")
    if current.status in EDITABLE:
        return page.redirect("/inscription/recapitulatif")
    d = current.details
    window = page.settings.activation_window
    hours = int(window.total_seconds() // 3600)
    return page.render(
        "mail_sent.html",
        name=full_name(d.civility, d.last_name, d.first_name),
        window=f"{hours}h" if hours else f"{int(window.total_seconds() // 60)} min",
        deadline=moment(current.activation_deadline) if current.activation_deadline else None,
        pending=current.email_delivery is EmailDelivery.PENDING,
    )
