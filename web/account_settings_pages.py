"""« Mon espace », the subscriber's own changes (SPEC §6): « Modifier mon mot de passe »,
« Mes coordonnées », the sessions, « Fermer mon espace ». Errors at the top and beside each
field; a secret is never typed back into a page."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.account_forms import (
    EmailChangeCodeForm,
    EmailChangeForm,
    PasswordChangeForm,
    SecretsForm,
)
from domain.errors import InvalidFields
from domain.formatting import display_phone, french_datetime
from domain.models import ContactForm
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, countries
from http_common.deps import AccountDep, EmailChangesDep, SubscribersDep, client_address
from services.errors import (
    Conflict,
    Expired,
    Forbidden,
    InvalidCode,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from services.subscribers import SignedIn
from storage.tables import Subscriber
from web.forms import CONTACT_FIELDS, by_field, kept_values, text
from web.page import Page, PageDep, PageRoute
from web.session import WebSession

router = APIRouter(prefix="/espace", route_class=PageRoute, include_in_schema=False)


async def signed_in(page: Page, subscribers: SubscribersDep) -> SignedIn | None:
    """The browser's signed-in session, or None (and forgotten) when it has ended."""
    token = page.session.access_token
    if not token:
        return None
    try:
        return await run_in_threadpool(subscribers.authenticate_session, token)
    except Unauthorized:
        page.session.access_token = None
        return None


def question_label(subscriber: Subscriber) -> str:
    return TRUST_QUESTIONS.get(subscriber.trust_question, "")


def secret_refused(error: Forbidden | TooManyAttempts, *names: str) -> dict[str, object]:
    """A wrong secret: one message, listed at the top and shown beside each secret field (the
    page cannot tell which one was wrong); a lock: the message at the top."""
    if isinstance(error, TooManyAttempts):
        return {"alert": error.detail}
    return {"errors": dict.fromkeys(names, error.detail)}


# -- « Modifier mon mot de passe » ----------------------------------------------------------------


@router.get("/mot-de-passe")
async def password_page(page: PageDep, subscribers: SubscribersDep) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    return page.render("account_password.html", question=question_label(me.subscriber))


@router.post("/mot-de-passe")
async def change_password(
    page: PageDep, subscribers: SubscribersDep, account: AccountDep
) -> Response:
    data = await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    form = PasswordChangeForm(
        current_password=text(data, "current_password"),
        trust_answer=text(data, "trust_answer"),
        new_password=text(data, "new_password"),
        new_password_confirmation=text(data, "new_password_confirmation"),
    )
    context: dict[str, object] = {"question": question_label(me.subscriber)}
    try:
        await account.change_password(me, form)
    except InvalidFields as error:
        return page.render("account_password.html", 422, errors=by_field(error.errors), **context)
    except (Forbidden, TooManyAttempts) as error:
        refused = secret_refused(error, "current_password", "trust_answer")
        return page.render("account_password.html", error.status, **refused, **context)
    return page.redirect("/espace?modification=mot-de-passe")


# -- « Modifier mon adresse électronique » --------------------------------------------------------


@router.get("/adresse-electronique")
async def email_page(page: PageDep, subscribers: SubscribersDep) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    return page.render(
        "account_email.html", question=question_label(me.subscriber), email=me.subscriber.email
    )


@router.post("/adresse-electronique")
async def request_email_change(
    page: PageDep, subscribers: SubscribersDep, changes: EmailChangesDep
) -> Response:
    data = await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    form = EmailChangeForm(
        password=text(data, "password"),
        trust_answer=text(data, "trust_answer"),
        new_email=text(data, "new_email"),
        new_email_confirmation=text(data, "new_email_confirmation"),
    )
    context: dict[str, object] = {
        "question": question_label(me.subscriber),
        "email": me.subscriber.email,
        "values": kept_values(data),
    }
    try:
        requested = await changes.request(me, form, client_address=client_address(page.request))
    except InvalidFields as error:
        return page.render("account_email.html", 422, errors=by_field(error.errors), **context)
    except (Forbidden, TooManyAttempts) as error:
        refused = secret_refused(error, "password", "trust_answer")
        return page.render("account_email.html", error.status, **refused, **context)
    except Conflict as error:
        errors = {"new_email": error.detail}
        return page.render("account_email.html", error.status, errors=errors, **context)
    return page.render(
        "account_email_code.html",
        sent_to=requested.new_email,
        expires_at=french_datetime(requested.expires_at),
    )


@router.get("/adresse-electronique/code")
async def email_code_page(page: PageDep, subscribers: SubscribersDep) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    return page.render("account_email_code.html")


@router.post("/adresse-electronique/code")
async def confirm_email_change(
    page: PageDep, subscribers: SubscribersDep, changes: EmailChangesDep
) -> Response:
    data = await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    try:
        await changes.confirm(me, EmailChangeCodeForm(code=text(data, "code")))
    except InvalidCode as error:
        return page.render("account_email_code.html", 422, errors={"code": error.detail})
    except (Expired, TooManyAttempts, NotFound, Conflict) as error:
        return page.render(
            "account_email_code.html", error.status, alert=error.detail, offer_new_request=True
        )
    return page.redirect("/espace?modification=adresse-electronique")


# -- « Mes coordonnées » --------------------------------------------------------------------------


def contact_values(subscriber: Subscriber) -> dict[str, str]:
    values = {f"contact.{name}": str(getattr(subscriber, name)) for name in CONTACT_FIELDS}
    values["contact.phone"] = display_phone(subscriber.phone, subscriber.country)
    return values


def _contact_page(page: Page, me: SignedIn, status_code: int = 200, **context: object) -> Response:
    changed_at = me.subscriber.details_changed_at
    return page.render(
        "account_contact.html",
        status_code=status_code,
        street_types=list(STREET_TYPES.items()),
        countries=countries(),
        changed_at=french_datetime(changed_at) if changed_at else None,
        **context,
    )


@router.get("/coordonnees")
async def contact_page(page: PageDep, subscribers: SubscribersDep) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    return _contact_page(page, me, values=contact_values(me.subscriber))


@router.post("/coordonnees")
async def change_contact(
    page: PageDep, subscribers: SubscribersDep, account: AccountDep
) -> Response:
    data = await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    form = ContactForm(**{name: text(data, f"contact.{name}") for name in CONTACT_FIELDS})
    try:
        await account.change_contact(me, form)
    except InvalidFields as error:
        return _contact_page(page, me, 422, errors=by_field(error.errors), values=kept_values(data))
    return page.redirect("/espace?modification=coordonnees")


# -- sessions -------------------------------------------------------------------------------------


def browser_name(user_agent: str) -> str:
    """A readable name for the browser a session was opened with (the full string is shown
    beside it)."""
    for marker, name in (
        ("Edg/", "Microsoft Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ):
        if marker in user_agent:
            return name
    return "Navigateur inconnu" if not user_agent else "Autre navigateur"


@router.get("/sessions")
async def sessions_page(
    page: PageDep, subscribers: SubscribersDep, account: AccountDep
) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    sessions = await run_in_threadpool(account.sessions, me)
    done = page.request.query_params.get("fait")
    return page.render(
        "account_sessions.html",
        sessions=[
            {
                "id": s.session_id,
                "browser": browser_name(s.user_agent),
                "user_agent": s.user_agent,
                "created_at": french_datetime(s.created_at),
                "last_used_at": french_datetime(s.last_used_at),
                "current": s.current,
            }
            for s in sessions
        ],
        done={
            "une": "La session a été fermée.",
            "autres": "Vos autres sessions ont été fermées.",
        }.get(done or ""),
    )


@router.post("/sessions/autres/fermer")
async def end_other_sessions(
    page: PageDep, subscribers: SubscribersDep, account: AccountDep
) -> Response:
    await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    await run_in_threadpool(account.end_other_sessions, me)
    return page.redirect("/espace/sessions?fait=autres")


@router.post("/sessions/{session_id}/fermer")
async def end_session(
    session_id: str, page: PageDep, subscribers: SubscribersDep, account: AccountDep
) -> Response:
    await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    # Already ended (another tab, or it expired): the list shows what remains.
    with contextlib.suppress(NotFound):
        await run_in_threadpool(account.end_session, me, session_id)
    if session_id == me.session_id:  # this browser's own session: it is signed out
        page.session = WebSession()
        return page.redirect("/")
    return page.redirect("/espace/sessions?fait=une")


# -- « Fermer mon espace » ------------------------------------------------------------------------


@router.get("/fermer")
async def close_page(page: PageDep, subscribers: SubscribersDep) -> Response:
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    return page.render("account_close.html", question=question_label(me.subscriber))


@router.post("/fermer")
async def close_space(page: PageDep, subscribers: SubscribersDep, account: AccountDep) -> Response:
    data = await page.form()
    me = await signed_in(page, subscribers)
    if me is None:
        return page.redirect("/")
    form = SecretsForm(password=text(data, "password"), trust_answer=text(data, "trust_answer"))
    context: dict[str, object] = {"question": question_label(me.subscriber)}
    try:
        await account.close(me, form)
    except InvalidFields as error:
        return page.render("account_close.html", 422, errors=by_field(error.errors), **context)
    except (Forbidden, TooManyAttempts) as error:
        refused = secret_refused(error, "password", "trust_answer")
        return page.render("account_close.html", error.status, **refused, **context)
    page.session = WebSession()
    return page.render("account_closed.html")
