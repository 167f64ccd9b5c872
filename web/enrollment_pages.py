"""Pre-registration, screen by screen: terms, identifiers, details, recap, e-mail sent."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from starlette.responses import Response

from domain.activation_steps import PAGE_STEPS
from domain.errors import InvalidFields
from domain.formatting import french_datetime, full_name
from domain.models import EnrollmentStatus
from domain.problems import ProblemCode
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, Civility, countries
from domain.rules import MESSAGES
from domain.subscriber_view import SubscriberView
from http_common.deps import EnrollmentsDep, client_address
from services.errors import Conflict, NotFound
from web.display import details_values
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


async def _editable(page: PageDep, enrollments: EnrollmentsDep) -> Recap | Response:
    """The browser's draft while it can still be edited, or where the browser goes instead."""
    recap = await _current(page, enrollments)
    if recap is None:
        return page.redirect("/inscription")
    if recap.status not in EDITABLE:
        return page.redirect("/inscription/courriel-envoye")
    return recap


def _terms_accepted(page: PageDep) -> bool:
    return page.session.terms_version == page.settings.terms_version


# -- « Abonnement à votre espace »: the terms ---------------------------------------------------


@router.get("")
async def terms(page: PageDep) -> Response:
    return page.render("terms.html", terms_version=page.settings.terms_version)


@router.get("/conditions-generales")
async def terms_text(page: PageDep) -> Response:
    """The terms alone, opened from « Lire les conditions générales » in a new window."""
    return page.render("terms_text.html", terms_version=page.settings.terms_version)


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
        started = await enrollments.start(
            form,
            replaces=page.session.enrollment_id,
            client_address=client_address(page.request),
        )
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
            activation_pending=error.code is ProblemCode.ACTIVATION_PENDING,
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
    recap = await _editable(page, enrollments)
    if isinstance(recap, Response):
        return recap
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
    current = await _editable(page, enrollments)
    if isinstance(current, Response):
        return current
    if current.details is None:
        return page.redirect("/inscription/informations")
    view = SubscriberView(current.email, current.details, current.company_name)
    return page.render("recap.html", view=view)


@router.post("/recapitulatif")
async def confirm(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    await page.form()
    if page.session.enrollment_id is None:
        return page.redirect("/inscription")
    try:
        await enrollments.confirm(
            page.session.enrollment_id, client_address=client_address(page.request)
        )
    except Conflict as error:
        if error.code is ProblemCode.DETAILS_MISSING:
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
        steps=PAGE_STEPS,
        # « 48 h »: a no-break space between the number and its unit.
        window=f"{hours}\u00a0h" if hours else f"{int(window.total_seconds() // 60)}\u00a0min",
        deadline=(
            french_datetime(current.activation_deadline) if current.activation_deadline else None
        ),
        pending=current.email_delivery is EmailDelivery.PENDING,
    )
