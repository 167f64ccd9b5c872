"""« Mot de passe oublié ? », from the home page: the identifier, then the code received by
e-mail, the trust answer and the new password twice. Both steps answer the same whatever the
identifier; a secret is never typed back into a page."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from domain.account_forms import PasswordResetForm
from domain.errors import InvalidFields
from http_common.deps import PasswordResetsDep, client_address, user_agent
from services.errors import InvalidReset, TooManyAttempts
from web.forms import text, text_form
from web.page import FormPage, PageDep, PageRoute, plain_page

router = APIRouter(prefix="/mot-de-passe-oublie", route_class=PageRoute, include_in_schema=False)

SENT = "Si cet identifiant correspond à un espace abonné, un courriel vient de vous être envoyé"


plain_page(router, "", "forgotten_password.html")


@router.post("")
async def request_code(page: PageDep, resets: PasswordResetsDep) -> Response:
    data = await page.form()
    email = text(data, "email")
    if not email.strip():
        return page.render(
            "forgotten_password.html", 422, errors={"email": "Ce champ est obligatoire."}
        )
    # Over the limit, the 429 page (PageRoute) says so, for any identifier alike.
    await resets.request(email, client_address=client_address(page.request))
    return page.render("password_reset.html", sent=SENT, values={"email": email.strip()})


plain_page(router, "/nouveau-mot-de-passe", "password_reset.html")


@router.post("/nouveau-mot-de-passe")
async def reset(page: PageDep, resets: PasswordResetsDep) -> Response:
    data = await page.form()
    form = text_form(PasswordResetForm, data)
    again = FormPage(page, "password_reset.html", {"values": {"email": form.email}})
    try:
        await resets.complete(
            form,
            client_address=client_address(page.request),
            user_agent=user_agent(page.request),
        )
    except InvalidFields as error:
        return again.invalid(error)
    except InvalidReset as error:
        # One message for any mismatch: shown beside both, the page cannot tell which.
        return again.refused_at(error, "code", "trust_answer")
    except TooManyAttempts as error:
        return again.alert(error, offer_new_code=True)
    return page.render("password_reset_done.html")
