"""« Vous avez reçu une invitation ? » (SPEC §8), screen by screen: the identifier and the code,
the terms, the password and the trust question, the recap (the contact may be corrected), then
« Votre espace abonné est créé » as after an activation.

The person's answers are kept where a draft's are: in the enrollment workflow (the password and
the answer hashed first), the browser holding only the key of its opened invitation in its
encrypted cookie.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from domain.errors import InvalidFields
from domain.models import AcceptanceForm, ContactForm, TrustForm
from domain.problems import ProblemCode
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, countries
from domain.subscriber_view import SubscriberView
from http_common.deps import InvitationsDep, SubscribersDep, client_address, user_agent
from services.activation import open_first_session
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts
from services.invitations import InvitationService
from web.device_cookie import keep_device
from web.display import details_values
from web.forms import by_field, kept_values, text, text_form, ticked
from web.page import FormPage, Page, PageDep, PageRoute
from web.session import WebSession
from workflows.enrollment_messages import InvitationView

router = APIRouter(prefix="/invitation", route_class=PageRoute, include_in_schema=False)


async def _opened(page: Page, invitations: InvitationService) -> InvitationView | Response:
    """The browser's opened invitation, or the first screen when there is none (any more)."""
    key = page.session.invitation_key
    if key:
        try:
            return await invitations.view(key)
        except NotFound:
            page.session.invitation_key = None
    return page.redirect("/invitation")


def _contact_page(
    page: Page, view: InvitationView, status_code: int = 200, **more: object
) -> Response:
    assert view.details is not None
    values = details_values(view.details)
    return page.render(
        "invitation_recap.html",
        status_code,
        **{
            "view": SubscriberView(view.email, view.details, view.company_name),
            "service": view.client_name,
            "values": values,
            "street_types": list(STREET_TYPES.items()),
            "countries": countries(),
        }
        | more,
    )


# -- 1. the identifier and the code ---------------------------------------------------------------


@router.get("")
async def code(page: PageDep) -> Response:
    return page.render("invitation_code.html")


@router.post("")
async def open_invitation(page: PageDep, invitations: InvitationsDep) -> Response:
    data = await page.form()
    email = text(data, "email")
    again = FormPage(page, "invitation_code.html", {"values": {"email": email}})
    try:
        key = await invitations.open(
            email, text(data, "code"), client_address=client_address(page.request)
        )
    except InvalidFields as error:
        return again.invalid(error)
    except InvalidCode as error:
        return again.refused_at(error, "code")
    except (Expired, TooManyAttempts) as error:
        return again.alert(error, offer_new_code=isinstance(error, TooManyAttempts))
    page.session.invitation_key = key
    return page.redirect("/invitation/conditions")


# -- 2. the terms ---------------------------------------------------------------------------------


@router.get("/conditions")
async def terms(page: PageDep, invitations: InvitationsDep) -> Response:
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    values = {"terms_accepted": "on"} if view.terms_accepted else {}
    return page.render("invitation_terms.html", service=view.client_name, values=values)


@router.post("/conditions")
async def accept_terms(page: PageDep, invitations: InvitationsDep) -> Response:
    data = await page.form()
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    if not ticked(data, "terms_accepted"):
        return page.render(
            "invitation_terms.html",
            422,
            service=view.client_name,
            errors={
                "terms_accepted": "Vous devez accepter les conditions générales pour continuer."
            },
        )
    assert page.session.invitation_key is not None
    await invitations.accept_terms(page.session.invitation_key)
    return page.redirect("/invitation/identifiants")


# -- 3. the password and the trust question -------------------------------------------------------


def _secrets_page(
    page: Page, view: InvitationView, status_code: int = 200, **more: object
) -> Response:
    values = {"trust.question": view.details.trust_question} if view.details else {}
    return page.render(
        "invitation_secrets.html",
        status_code,
        **{
            "email": view.email,
            "values": values,
            "trust_questions": list(TRUST_QUESTIONS.items()),
        }
        | more,
    )


@router.get("/identifiants")
async def secrets(page: PageDep, invitations: InvitationsDep) -> Response:
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    if not view.terms_accepted:
        return page.redirect("/invitation/conditions")
    return _secrets_page(page, view)


@router.post("/identifiants")
async def give_secrets(page: PageDep, invitations: InvitationsDep) -> Response:
    data = await page.form()
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    form = AcceptanceForm(
        password=text(data, "password"),
        password_confirmation=text(data, "password_confirmation"),
        trust=TrustForm(question=text(data, "trust.question"), answer=text(data, "trust.answer")),
    )
    assert page.session.invitation_key is not None
    try:
        await invitations.give_secrets(page.session.invitation_key, form)
    except InvalidFields as error:
        return _secrets_page(
            page, view, 422, errors=by_field(error.errors), values=kept_values(data)
        )
    return page.redirect("/invitation/recapitulatif")


# -- 4. the recap, the contact corrected, « Confirmer » ------------------------------------------


@router.get("/recapitulatif")
async def recap(page: PageDep, invitations: InvitationsDep) -> Response:
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    if not view.terms_accepted:
        return page.redirect("/invitation/conditions")
    if not view.secrets_given:
        return page.redirect("/invitation/identifiants")
    return _contact_page(page, view)


@router.post("/recapitulatif")
async def confirm(
    page: PageDep, invitations: InvitationsDep, subscribers: SubscribersDep
) -> Response:
    data = await page.form()
    view = await _opened(page, invitations)
    if isinstance(view, Response):
        return view
    assert page.session.invitation_key is not None
    try:
        activated = await invitations.confirm(
            page.session.invitation_key, text_form(ContactForm, data, "contact.")
        )
    except InvalidFields as error:
        values = details_values(view.details) if view.details else {}
        return _contact_page(
            page, view, 422, errors=by_field(error.errors), values=values | kept_values(data)
        )
    except Conflict as error:
        if error.code is ProblemCode.DETAILS_MISSING:
            return page.redirect("/invitation/identifiants")
        raise
    opened = await open_first_session(
        subscribers, activated, user_agent(page.request), client_address(page.request)
    )
    # Signed in from now on, with a fresh CSRF token; the invitation is over for this browser,
    # which proved the address and is recognised as after an activation.
    page.session = WebSession(access_token=opened.session.access_token)
    response = page.redirect("/activation/confirmee")
    if opened.session.device_token:
        keep_device(page.request, response, page.settings, opened.session.device_token)
    return response
