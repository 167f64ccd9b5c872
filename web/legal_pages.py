"""The pages every French public online service shows in its footer: the accessibility
statement, the legal notice, the personal-data notice, the cookies and the site map. They state
facts of this product (durations read from the settings and domain.retention) and of its
deployment (settings `LEGAL_*`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from domain import retention
from domain.formatting import french_date, french_duration
from security.codec_pass import COOKIE_NAME as CODEC_COOKIE
from settings import Settings
from web import rgaa
from web.device_cookie import DEVICE_COOKIE
from web.page import Page, PageRoute
from web.session import COOKIE_NAME as SESSION_COOKIE
from web.session import SessionCookies

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ACCESSIBILITY = "/accessibilite"
LEGAL_NOTICE = "/mentions-legales"
PERSONAL_DATA = "/donnees-personnelles"
COOKIES = "/cookies"
SITE_MAP = "/plan-du-site"


def durations(settings: Settings) -> dict[str, str]:
    """Every duration the notices state, as the pages write it (« 48 h », « 30 jours »)."""
    return {
        "activation": french_duration(settings.activation_window),
        "draft_idle": french_duration(settings.draft_idle_timeout),
        "password_reset": french_duration(settings.password_reset_window),
        "email_change": french_duration(settings.email_change_window),
        "adhesion": french_duration(settings.adhesion_window),
        "session": french_duration(settings.session_lifetime),
        "rate_window": french_duration(settings.rate_limit_window),
        "failure_memory": french_duration(settings.sign_in_failure_memory),
        "lockout_max": french_duration(settings.sign_in_lockout_max),
        "codec_session": french_duration(settings.codec_session_lifetime),
        "spent_rows": french_duration(retention.SPENT_KEPT),
        "device_cookie": french_duration(settings.device_lifetime),
        # 365 days, said as SPEC §9 says it: « 12 mois ».
        "events": f"{round(retention.EVENTS_KEPT.days * 12 / 365)}\u00a0mois",
    }


async def information_page(request: Request) -> Page:
    """The browser's page without the services: these pages need none, so they stay readable
    while the database or Temporal is down."""
    cookies: SessionCookies = request.app.state.session_cookies
    settings: Settings = request.app.state.page_settings
    return Page(request, cookies.load(request), cookies, settings)


InformationPage = Annotated[Page, Depends(information_page)]


def _facts(page: Page) -> dict[str, Any]:
    settings = page.settings
    audit = rgaa.result()
    return {
        "legal": settings,
        "durations": durations(settings),
        "audit": audit,
        "audit_date": french_date(rgaa.AUDIT_DATE),
        "rgaa_version": rgaa.RGAA_VERSION,
        "not_met": {
            criterion: reason.format(**durations(settings))
            for criterion, reason in rgaa.NOT_MET.items()
        },
        "session_cookie": SESSION_COOKIE,
        "device_cookie": DEVICE_COOKIE,
        "codec_cookie": CODEC_COOKIE,
        "base_url": settings.base_url,
    }


def _page(path: str, template: str) -> None:
    async def show(page: InformationPage) -> Response:
        return page.render(template, **_facts(page))

    router.add_api_route(path, show, methods=["GET"], name=template.removesuffix(".html"))


_page(ACCESSIBILITY, "legal/accessibility.html")
_page(LEGAL_NOTICE, "legal/legal_notice.html")
_page(PERSONAL_DATA, "legal/personal_data.html")
_page(COOKIES, "legal/cookies.html")
_page(SITE_MAP, "legal/site_map.html")
