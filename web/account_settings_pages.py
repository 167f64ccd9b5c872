"""« Mon espace », the subscriber's own changes (SPEC §6): « Modifier mon mot de passe »,
« Mes coordonnées », the sessions, « Fermer mon espace ». Errors at the top and beside each
field; a secret is never typed back into a page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.account_forms import (
    EmailChangeCodeForm,
    EmailChangeForm,
    PasswordChangeForm,
    SecretsForm,
)
from domain.client_description import describe_browser
from domain.errors import InvalidFields
from domain.formatting import display_phone, french_datetime
from domain.models import ContactForm
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, countries
from http_common.deps import (
    AccountDep,
    DevicesDep,
    EmailChangesDep,
    client_address,
    client_description,
)
from services.errors import Conflict, Expired, Forbidden, InvalidCode, NotFound, TooManyAttempts
from services.subscribers import SignedIn
from storage.tables import Subscriber
from web.forms import CONTACT_FIELDS, kept_values, text_form
from web.page import (
    SIGNED_IN,
    FormPage,
    MeDep,
    Page,
    PageDep,
    PageRoute,
    ShownAgain,
    SpacePostDep,
)
from web.session import WebSession

router = APIRouter(prefix="/espace", route_class=PageRoute, include_in_schema=False)

# The pages that ask for the secrets, and what each calls its secret fields.
_SECRET_FIELDS = {
    "account_password.html": ("current_password", "trust_answer"),
    "account_email.html": ("password", "trust_answer"),
    "account_close.html": ("password", "trust_answer"),
}


def question_label(subscriber: Subscriber) -> str:
    return TRUST_QUESTIONS.get(subscriber.trust_question, "")


def secrets_page(page: Page, template: str, me: SignedIn, **context: object) -> FormPage:
    """A page that asks for the secrets, which shows the subscriber's trust question."""
    return FormPage(page, template, {"question": question_label(me.subscriber), **context})


def _secrets_page_route(path: str, template: str) -> None:
    """At `path`, the page of a form that asks for the secrets (and shows nothing else)."""

    @router.get(path, name=template.removesuffix(".html"))
    async def show(page: PageDep, me: MeDep) -> Response:
        return secrets_page(page, template, me).again(200)


@contextlib.contextmanager
def secrets_checked(again: FormPage) -> Iterator[None]:
    """A refused change shows the page again (ShownAgain): the rules' messages beside their
    fields; a wrong secret: one message, listed at the top and shown beside each secret field
    (the page cannot tell which one was wrong); a lock: the message at the top."""
    try:
        yield
    except InvalidFields as error:
        raise ShownAgain(again.invalid(error)) from None
    except TooManyAttempts as error:
        raise ShownAgain(again.alert(error)) from None
    except Forbidden as error:
        raise ShownAgain(again.refused_at(error, *_SECRET_FIELDS[again.template])) from None


# -- « Modifier mon mot de passe » ----------------------------------------------------------------


_secrets_page_route("/mot-de-passe", "account_password.html")


@router.post("/mot-de-passe")
async def change_password(page: PageDep, posted: SpacePostDep, account: AccountDep) -> Response:
    with secrets_checked(secrets_page(page, "account_password.html", posted.me)):
        await account.change_password(
            posted.me,
            text_form(PasswordChangeForm, posted.data),
            client_description(page.request),
        )
    return page.redirect("/espace?modification=mot-de-passe")


# -- « Modifier mon adresse électronique » --------------------------------------------------------


@router.get("/adresse-electronique")
async def email_page(page: PageDep, me: MeDep) -> Response:
    return secrets_page(page, "account_email.html", me, email=me.subscriber.email).again(200)


@router.post("/adresse-electronique")
async def request_email_change(
    page: PageDep, posted: SpacePostDep, changes: EmailChangesDep
) -> Response:
    data, me = posted.data, posted.me
    again = secrets_page(
        page, "account_email.html", me, email=me.subscriber.email, values=kept_values(data)
    )
    form = text_form(EmailChangeForm, data)
    try:
        with secrets_checked(again):
            requested = await changes.request(me, form, client_address=client_address(page.request))
    except Conflict as error:
        return again.refused_at(error, "new_email")
    return page.render(
        "account_email_code.html",
        sent_to=requested.new_email,
        expires_at=french_datetime(requested.expires_at),
    )


@router.get("/adresse-electronique/code", dependencies=[SIGNED_IN])
async def email_code_page(page: PageDep) -> Response:
    return page.render("account_email_code.html")


@router.post("/adresse-electronique/code")
async def confirm_email_change(
    page: PageDep, posted: SpacePostDep, changes: EmailChangesDep
) -> Response:
    again = FormPage(page, "account_email_code.html", {})
    try:
        await changes.confirm(
            posted.me,
            text_form(EmailChangeCodeForm, posted.data),
            client_description(page.request),
        )
    except InvalidCode as error:
        return again.refused_at(error, "code")
    except (Expired, TooManyAttempts, NotFound, Conflict) as error:
        return again.alert(error, offer_new_request=True)
    return page.redirect("/espace?modification=adresse-electronique")


# -- « Mes coordonnées » --------------------------------------------------------------------------


def contact_values(subscriber: Subscriber) -> dict[str, str]:
    values = {f"contact.{name}": str(getattr(subscriber, name)) for name in CONTACT_FIELDS}
    values["contact.phone"] = display_phone(subscriber.phone, subscriber.country)
    return values


def _contact_page(page: Page, me: SignedIn, values: dict[str, str]) -> FormPage:
    changed_at = me.subscriber.details_changed_at
    context = {
        "street_types": list(STREET_TYPES.items()),
        "countries": countries(),
        "changed_at": french_datetime(changed_at) if changed_at else None,
        "values": values,
    }
    return FormPage(page, "account_contact.html", context)


@router.get("/coordonnees")
async def contact_page(page: PageDep, me: MeDep) -> Response:
    return _contact_page(page, me, contact_values(me.subscriber)).again(200)


@router.post("/coordonnees")
async def change_contact(page: PageDep, posted: SpacePostDep, account: AccountDep) -> Response:
    try:
        await account.change_contact(
            posted.me,
            text_form(ContactForm, posted.data, "contact."),
            client=client_description(page.request),
        )
    except InvalidFields as error:
        return _contact_page(page, posted.me, kept_values(posted.data)).invalid(error)
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
    page: PageDep, me: MeDep, account: AccountDep, devices: DevicesDep
) -> Response:
    sessions = await run_in_threadpool(account.sessions, me)
    recognised = await run_in_threadpool(devices.devices, me)
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
        devices=[
            {
                "id": d.device_id,
                "browser": describe_browser(d.user_agent),
                "user_agent": d.user_agent,
                "first_seen": french_datetime(d.first_seen),
                "last_seen": french_datetime(d.last_seen),
            }
            for d in recognised
        ],
        done={
            "une": "La session a été fermée.",
            "autres": "Vos autres sessions ont été fermées.",
            "appareil": "Ce navigateur ne sera plus reconnu : un code de vérification y sera "
            "demandé à la prochaine connexion.",
        }.get(done or ""),
    )


@router.post("/sessions/autres/fermer")
async def end_other_sessions(page: PageDep, posted: SpacePostDep, account: AccountDep) -> Response:
    await run_in_threadpool(account.end_other_sessions, posted.me, client_description(page.request))
    return page.redirect("/espace/sessions?fait=autres")


@router.post("/sessions/{session_id}/fermer")
async def end_session(
    session_id: str, page: PageDep, posted: SpacePostDep, account: AccountDep
) -> Response:
    # Already ended (another tab, or it expired): the list shows what remains.
    with contextlib.suppress(NotFound):
        await run_in_threadpool(
            account.end_session, posted.me, session_id, client_description(page.request)
        )
    if session_id == posted.me.session_id:  # this browser's own session: it is signed out
        page.session = WebSession()
        return page.redirect("/")
    return page.redirect("/espace/sessions?fait=une")


# -- « Fermer mon espace » ------------------------------------------------------------------------


_secrets_page_route("/fermer", "account_close.html")


@router.post("/fermer")
async def close_space(page: PageDep, posted: SpacePostDep, account: AccountDep) -> Response:
    with secrets_checked(secrets_page(page, "account_close.html", posted.me)):
        await account.close(posted.me, text_form(SecretsForm, posted.data))
    page.session = WebSession()
    return page.render("account_closed.html")
