"""The ops page that opens the codec to this browser, for the Temporal UI.

The UI cannot send CODEC_AUTH_TOKEN to the codec; with « Include cross-origin credentials » it
lets the browser send its cookies instead. Here an operator gives the token once and the browser
gets the codec pass (security/codec_pass.py) as an HttpOnly, SameSite=Strict cookie on `/codec`:
the UI (another port of the same host, hence the same site) then decodes with it.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.formatting import french_datetime
from http_common.deps import StateDep, client_address
from security.codec_pass import COOKIE_NAME, COOKIE_PATH
from services.throttle import Action
from settings import Environment
from web.forms import text
from web.page import Page, PageDep, PageRoute

router = APIRouter(prefix="/codec", route_class=PageRoute, include_in_schema=False)

PAGE = "/codec/session"
TEMPLATE = "codec_session.html"


@router.get("/session")
async def codec_session(page: PageDep, state: StateDep) -> Response:
    return _render(page, state)


@router.post("/session")
async def open_codec_session(page: PageDep, state: StateDep) -> Response:
    data = await page.form()
    # Every attempt counts, before the comparison: guessing the token costs the same as failing.
    await run_in_threadpool(
        state.throttle.count, Action.CODEC_SESSION, "", client_address(page.request)
    )
    if not state.codec_pass.token_matches(text(data, "token")):
        return _render(page, state, status_code=403, errors={"token": "Jeton refusé."})
    page.session.renew()  # the browser's privileges change
    response = page.redirect(PAGE)
    response.set_cookie(
        COOKIE_NAME,
        state.codec_pass.issue(),
        max_age=int(state.codec_pass.lifetime.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(page),
    )
    return response


@router.post("/session/delete")
async def close_codec_session(page: PageDep) -> Response:
    await page.form()
    page.session.renew()
    response = page.redirect(PAGE)
    response.delete_cookie(
        COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(page)
    )
    return response


def _render(
    page: Page, state: StateDep, status_code: int = 200, errors: dict[str, str] | None = None
) -> Response:
    expiry = state.codec_pass.expiry(page.request.cookies.get(COOKIE_NAME))
    return page.render(
        TEMPLATE,
        status_code=status_code,
        errors=errors or {},
        open_until=french_datetime(expiry) if expiry else None,
        endpoint=str(page.request.base_url).rstrip("/") + COOKIE_PATH,
    )


def _secure(page: Page) -> bool:
    development = page.settings.app_env is Environment.DEVELOPMENT
    return not development or page.request.url.scheme == "https"
