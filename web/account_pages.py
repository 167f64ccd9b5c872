"""Home, sign-in, activation, the success page, the signed-in space and its recap PDF."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.formatting import validity_text
from domain.subscriber_number import format_subscriber_number
from http_common.deps import (
    EnrollmentsDep,
    SecondStepDep,
    SubscribersDep,
    client_address,
    client_description,
    user_agent,
)
from http_common.responses import recap_pdf_response
from services.activation import activate_and_open_session
from services.errors import Expired, InvalidCode, TooManyAttempts, Unauthorized
from services.second_step import ChallengeIssued, Proof
from services.subscribers import IssuedSession
from web.device_cookie import device_token, keep_device
from web.forms import text
from web.page import FormPage, MeDep, Page, PageDep, PageRoute, plain_page
from web.session import WebSession

router = APIRouter(route_class=PageRoute, include_in_schema=False)

RECAP_PDF = "/espace/formulaire-inscription.pdf"
SIGN_IN_CODE = "/connexion/code"
CODE_REQUIRED = "Saisissez le code de vérification, ou un code de secours."


def _with_email(page: Page, template: str, email: str) -> FormPage:
    """A form of identifier and secret, shown again with the identifier kept."""
    return FormPage(page, template, {"values": {"email": email}})


def _signed_in_to(page: Page, session: IssuedSession, url: str) -> Response:
    """Keep the new session in the cookie (with a fresh CSRF token too), then go on to `url`;
    the browser's device cookie is set or renewed (SPEC §9)."""
    page.session = WebSession(access_token=session.access_token)
    response = page.redirect(url)
    if session.device_token:
        keep_device(page.request, response, page.settings, session.device_token)
    return response


# -- « Espace abonné » and sign-in ----------------------------------------------------------------


plain_page(router, "/", "home.html")


@router.post("/connexion")
async def sign_in(page: PageDep, second_step: SecondStepDep) -> Response:
    data = await page.form()
    email = text(data, "email")
    try:
        signed_in = await second_step.sign_in(
            email,
            text(data, "password"),
            client_address=client_address(page.request),
            user_agent=user_agent(page.request),
            device_token=device_token(page.request),
        )
    except (Unauthorized, TooManyAttempts) as error:
        return _with_email(page, "home.html", email).refused_at(error, "password")
    if isinstance(signed_in, ChallengeIssued):
        # Not recognised: the code screen next; the challenge rides in the encrypted cookie.
        page.session = WebSession(
            challenge_id=signed_in.challenge_id, challenge_method=signed_in.method.value
        )
        return page.redirect(SIGN_IN_CODE)
    return _signed_in_to(page, signed_in, "/espace")


@router.get(SIGN_IN_CODE)
async def sign_in_code_page(page: PageDep) -> Response:
    if not page.session.challenge_id:
        return page.redirect("/")
    return _code_page(page).again(200)


def _code_page(page: Page, **context: object) -> FormPage:
    return FormPage(
        page,
        "sign_in_code.html",
        {
            "method": page.session.challenge_method,
            "validity": validity_text(page.settings.sign_in_code_window),
            **context,
        },
    )


@router.post(SIGN_IN_CODE)
async def complete_sign_in(page: PageDep, second_step: SecondStepDep) -> Response:
    data = await page.form()
    challenge_id = page.session.challenge_id
    if not challenge_id:
        return page.redirect("/")
    code, recovery_code = text(data, "code").strip(), text(data, "recovery_code").strip()
    again = _code_page(page)
    if not code and not recovery_code:
        return again.again(422, errors={"code": CODE_REQUIRED})
    proof = Proof(code=code if not recovery_code else "", recovery_code=recovery_code)
    try:
        session = await second_step.complete(challenge_id, proof, client_description(page.request))
    except InvalidCode as error:
        return again.refused_at(error, "recovery_code" if recovery_code else "code")
    except (Expired, TooManyAttempts) as error:
        page.session = WebSession()  # this challenge is over: sign in again
        return again.alert(error, over=True)
    return _signed_in_to(page, session, "/espace")


@router.post(SIGN_IN_CODE + "/nouveau")
async def new_sign_in_code(page: PageDep, second_step: SecondStepDep) -> Response:
    await page.form()
    challenge_id = page.session.challenge_id
    if not challenge_id:
        return page.redirect("/")
    try:
        await second_step.resend(challenge_id)
    except (Expired, TooManyAttempts, InvalidCode) as error:
        return _code_page(page).alert(error)
    return _code_page(page).again(200, resent=True)


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
    return _signed_in_to(page, activation.session, "/activation/confirmee")


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
