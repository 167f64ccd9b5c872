"""Home, sign-in, activation, the success page, the signed-in space and its recap PDF."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.subscriber_number import format_subscriber_number
from http_common.deps import EnrollmentsDep, SubscribersDep, client_address, user_agent
from http_common.responses import recap_pdf_response
from services.activation import activate_and_open_session
from services.errors import Expired, InvalidCode, TooManyAttempts, Unauthorized
from web.forms import text
from web.page import FormPage, MeDep, Page, PageDep, PageRoute, plain_page
from web.session import WebSession

router = APIRouter(route_class=PageRoute, include_in_schema=False)

RECAP_PDF = "/espace/formulaire-inscription.pdf"


def _with_email(page: Page, template: str, email: str) -> FormPage:
    """A form of identifier and secret, shown again with the identifier kept."""
    return FormPage(page, template, {"values": {"email": email}})


def _signed_in_to(page: Page, access_token: str, url: str) -> Response:
    """Keep the new session in the cookie (with a fresh CSRF token too), then go on to `url`."""
    page.session = WebSession(access_token=access_token)
    return page.redirect(url)


# -- « Espace abonné » and sign-in ----------------------------------------------------------------


plain_page(router, "/", "home.html")


@router.post("/connexion")
async def sign_in(page: PageDep, subscribers: SubscribersDep) -> Response:
    data = await page.form()
    email = text(data, "email")
    try:
        session = await subscribers.sign_in(
            email,
            text(data, "password"),
            client_address=client_address(page.request),
            user_agent=user_agent(page.request),
        )
    except (Unauthorized, TooManyAttempts) as error:
        return _with_email(page, "home.html", email).refused_at(error, "password")
    return _signed_in_to(page, session.access_token, "/espace")


@router.post("/deconnexion")
async def sign_out(page: PageDep, subscribers: SubscribersDep) -> Response:
    await page.form()
    if page.session.access_token:
        await run_in_threadpool(subscribers.sign_out, page.session.access_token)
    page.session = WebSession()
    return page.redirect("/")


# -- « Activer votre compte fiscal » --------------------------------------------------------------


plain_page(router, "/activation", "activation.html")


@router.post("/activation")
async def activate(
    page: PageDep, enrollments: EnrollmentsDep, subscribers: SubscribersDep
) -> Response:
    data = await page.form()
    email = text(data, "email")
    again = _with_email(page, "activation.html", email)
    try:
        activation = await activate_and_open_session(
            enrollments,
            subscribers,
            email,
            text(data, "code"),
            client_address=client_address(page.request),
            user_agent=user_agent(page.request),
        )
    except InvalidCode as error:
        return again.refused_at(error, "code")
    except (Expired, TooManyAttempts) as error:
        return again.alert(error, offer_new_code=isinstance(error, TooManyAttempts))
    return _signed_in_to(page, activation.session.access_token, "/activation/confirmee")


plain_page(router, "/activation/nouveau-code", "new_code.html")


@router.post("/activation/nouveau-code")
async def send_new_code(page: PageDep, enrollments: EnrollmentsDep) -> Response:
    data = await page.form()
    email = text(data, "email")
    # Over the resend limit, the 429 page (PageRoute) says so, for any address alike.
    await enrollments.resend(email, client_address=client_address(page.request))
    # The same answer whether or not a pre-registration awaits: nothing is told about the address.
    return page.render("new_code.html", sent=True, values={"email": email})


@router.get("/activation/confirmee")
async def activated(page: PageDep, me: MeDep) -> Response:
    return page.render(
        "activated.html",
        subscriber_number=format_subscriber_number(me.subscriber.subscriber_number),
        recap_pdf=RECAP_PDF,
    )


# -- the signed-in space --------------------------------------------------------------------------


@router.get("/espace")
async def space(page: PageDep, me: MeDep) -> Response:
    return page.render("space.html", view=me.subscriber.view(), recap_pdf=RECAP_PDF)


@router.get(RECAP_PDF)
async def recap_pdf(me: MeDep, subscribers: SubscribersDep) -> Response:
    return recap_pdf_response(await subscribers.recap_pdf(me.subscriber))
