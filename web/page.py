"""What every page handler gets: the browser's session, rendering, redirects, checked forms."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, RedirectResponse, Response

from domain.errors import InvalidFields
from http_common.deps import StateDep, SubscribersDep
from services.errors import DATABASE_OUTAGES, ServiceError, Unauthorized, database_unavailable
from services.subscribers import SignedIn
from settings import Settings
from web.forms import by_field
from web.session import CSRF_FIELD, SessionCookies, WebSession
from web.typography import french_spacing

log = logging.getLogger(__name__)
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
TEMPLATES.env.filters["field_id"] = lambda name: str(name).replace(".", "-").replace("_", "-")


def in_page_order(errors: dict[str, str], labels: dict[str, str]) -> dict[str, str]:
    """Field errors in the order the page shows its fields (`labels` is written in that order),
    not the order the rules reported them; errors of fields without a label come last."""
    ordered = {name: errors[name] for name in labels if name in errors}
    return ordered | {name: message for name, message in errors.items() if name not in ordered}


TEMPLATES.env.filters["in_page_order"] = in_page_order
TEMPLATES.env.filters["fr"] = french_spacing


class CsrfRejected(Exception):
    """A form post without the token of this browser's session."""


class ShownAgain(Exception):
    """A form's page shown again from within a handler's `with` block (e.g. secrets_checked in
    web.account_settings_pages): PageRoute sends it as the answer."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


class SignedOut(Exception):
    """A page of « Mon espace » asked for without a live session: the browser goes home."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page


@dataclass
class Page:
    request: Request
    session: WebSession
    cookies: SessionCookies
    settings: Settings

    async def form(self) -> FormData:
        """The posted form, once its CSRF token is checked against the cookie's."""
        data = await self.request.form()
        if not self.session.csrf_matches(data.get(CSRF_FIELD)):
            raise CsrfRejected
        return data

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        context.setdefault("errors", {})
        context.setdefault("values", {})
        response = TEMPLATES.TemplateResponse(
            self.request,
            template,
            {"csrf_token": self.session.csrf, "signed_in": bool(self.session.access_token)}
            | context,
            status_code=status_code,
            headers={"Cache-Control": "no-store"},
        )
        self.cookies.save(self.request, response, self.session)
        return response

    def redirect(self, url: str) -> Response:
        # 303: the browser follows a form post with a GET (post/redirect/get).
        response = RedirectResponse(url, status_code=303)
        self.cookies.save(self.request, response, self.session)
        return response


async def get_page(request: Request, state: StateDep) -> Page:
    cookies: SessionCookies = request.app.state.session_cookies
    return Page(request, cookies.load(request), cookies, state.settings)


PageDep = Annotated[Page, Depends(get_page)]


def plain_page(router: APIRouter, path: str, template: str) -> None:
    """A page that only shows its template, its form empty (the post is a route of its own)."""

    async def show(page: PageDep) -> Response:
        return page.render(template)

    router.add_api_route(path, show, methods=["GET"], name=template.removesuffix(".html"))


async def signed_in(page: PageDep, subscribers: SubscribersDep) -> SignedIn:
    """The browser's signed-in session; once it has ended, it is forgotten and the browser is
    sent home (SignedOut, which PageRoute answers)."""
    token = page.session.access_token
    if token:
        try:
            return await run_in_threadpool(subscribers.authenticate_session, token)
        except Unauthorized:
            page.session.access_token = None
    raise SignedOut(page)


# A page of « Mon espace »: the signed-in session it is shown to.
MeDep = Annotated[SignedIn, Depends(signed_in)]
SIGNED_IN = Depends(signed_in)  # for a page that needs the session but not who it is


@dataclass(frozen=True, slots=True)
class SpacePost:
    """A form posted from « Mon espace » by a signed-in browser."""

    data: FormData
    me: SignedIn


async def space_post(page: PageDep, subscribers: SubscribersDep) -> SpacePost:
    # The CSRF token first: a forged post is refused before the database is asked.
    data = await page.form()
    return SpacePost(data, await signed_in(page, subscribers))


SpacePostDep = Annotated[SpacePost, Depends(space_post)]


@dataclass(frozen=True, slots=True)
class FormPage:
    """A form's page, shown again after a refusal with what it always shows (`context`)."""

    page: Page
    template: str
    context: dict[str, Any]

    def again(self, status_code: int, **more: Any) -> Response:
        return self.page.render(self.template, status_code, **(self.context | more))

    def invalid(self, error: InvalidFields) -> Response:
        """The rules' messages, each beside its field."""
        return self.again(422, errors=by_field(error.errors))

    def refused_at(self, error: ServiceError, *fields: str) -> Response:
        """The service's refusal beside each of `fields`."""
        return self.again(error.status, errors=dict.fromkeys(fields, error.detail))

    def alert(self, error: ServiceError, **more: Any) -> Response:
        """The service's refusal at the top of the page."""
        return self.again(error.status, alert=error.detail, **more)


def bare_page(
    request: Request, template: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page outside the browser's session (no form on it, nothing to keep)."""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {"errors": {}, "values": {}} | context,
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def error_page(request: Request, status_code: int, title: str, detail: str) -> HTMLResponse:
    return bare_page(request, "error.html", status_code, title=title, detail=detail)


class PageRoute(APIRoute):
    """Service failures and refused form posts as French HTML pages, not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except ShownAgain as shown:
                return shown.response
            except SignedOut as signed_out:
                return signed_out.page.redirect("/")
            except CsrfRejected:
                return error_page(
                    request,
                    403,
                    "Demande refusée",
                    "Ce formulaire a expiré ou ne provient pas de ce site. Revenez à la page "
                    "précédente, rechargez-la et recommencez.",
                )
            except DATABASE_OUTAGES as outage:
                log.warning("database unavailable: %s", type(outage).__name__)
                return _service_error_page(request, database_unavailable())
            except ServiceError as error:
                return _service_error_page(request, error)

        return handle


def _service_error_page(request: Request, error: ServiceError) -> HTMLResponse:
    response = error_page(request, error.status, error.title, error.detail)
    if retry_after := getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(retry_after)
    return response
