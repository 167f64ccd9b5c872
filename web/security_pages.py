"""« Sécurité de mon espace » (SPEC §9): the authenticator app, turned on with a QR code drawn
on the server (inline SVG, no JavaScript) and the key in clear text, confirmed with a first code,
then 10 recovery codes shown once; turned off with the password and a current code. The
recognised devices are forgotten from « Mes sessions »."""

from __future__ import annotations

import contextlib

import segno
from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from starlette.responses import Response

from http_common.deps import DevicesDep, TotpDep, client_description
from security.totp import grouped
from services.errors import Conflict, Forbidden, InvalidCode, NotFound, TooManyAttempts
from services.totp import TotpEnrolment
from web.forms import text
from web.page import FormPage, MeDep, Page, PageDep, PageRoute, SpacePostDep

router = APIRouter(prefix="/espace", route_class=PageRoute, include_in_schema=False)

SECURITY = "/espace/securite"
QR_LABEL = "QR code à scanner avec votre application d'authentification"


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code, named for screen readers. Sized by the style
    sheet from its viewBox (omitsize), so that it shrinks to a 320 px screen (RGAA 10.11)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=4, omitsize=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{QR_LABEL}" ', 1))  # noqa: S704 - segno's own markup


def _enrol_page(page: Page, enrolment: TotpEnrolment) -> FormPage:
    return FormPage(
        page,
        "account_security_enrol.html",
        {"qr": qr_svg(enrolment.otpauth_uri), "key": grouped(enrolment.secret)},
    )


@router.get("/securite")
async def security_page(page: PageDep, me: MeDep, totp: TotpDep) -> Response:
    assert me.subscriber.id is not None
    enabled = await run_in_threadpool(totp.is_enabled, me.subscriber.id)
    left = await run_in_threadpool(totp.recovery_codes_left, me.subscriber.id) if enabled else 0
    done = {
        "desactivee": "L'application d'authentification est désactivée\u202f; un courriel vous le "
        "confirme.",
    }.get(page.request.query_params.get("fait", ""))
    return page.render("account_security.html", enabled=enabled, codes_left=left, done=done)


@router.post("/securite/application")
async def start_app(page: PageDep, posted: SpacePostDep, totp: TotpDep) -> Response:
    try:
        enrolment = await totp.start(posted.me)
    except Conflict:
        return page.redirect(SECURITY)
    return _enrol_page(page, enrolment).again(200)


@router.get("/securite/application")
async def enrol_page(page: PageDep, me: MeDep, totp: TotpDep) -> Response:
    enrolment = await totp.pending(me)
    if enrolment is None:
        return page.redirect(SECURITY)
    return _enrol_page(page, enrolment).again(200)


@router.post("/securite/application/confirmer")
async def confirm_app(page: PageDep, posted: SpacePostDep, totp: TotpDep) -> Response:
    try:
        codes = await totp.confirm(
            posted.me, text(posted.data, "code"), client_description(page.request)
        )
    except InvalidCode as error:
        enrolment = await totp.pending(posted.me)
        if enrolment is None:
            return page.redirect(SECURITY)
        return _enrol_page(page, enrolment).refused_at(error, "code")
    except Conflict:
        return page.redirect(SECURITY)
    return page.render("account_recovery_codes.html", codes=codes)


@router.post("/securite/application/desactiver")
async def disable_app(page: PageDep, posted: SpacePostDep, totp: TotpDep) -> Response:
    again = FormPage(page, "account_security.html", {"enabled": True})
    try:
        await totp.disable(
            posted.me,
            text(posted.data, "password"),
            text(posted.data, "code"),
            client_description(page.request),
        )
    except Forbidden as error:
        return again.refused_at(error, "password")
    except InvalidCode as error:
        return again.refused_at(error, "code")
    except TooManyAttempts as error:
        return again.alert(error)
    except Conflict:
        pass  # already off (another tab): the page says so
    return page.redirect(SECURITY + "?fait=desactivee")


# -- devices (listed on « Mes sessions ») ---------------------------------------------------------


@router.post("/appareils/{device_id}/oublier")
async def forget_device(
    device_id: str, page: PageDep, posted: SpacePostDep, devices: DevicesDep
) -> Response:
    # Already forgotten (another tab): the list shows what remains.
    with contextlib.suppress(NotFound):
        await run_in_threadpool(
            devices.forget, posted.me, device_id, client_description(page.request)
        )
    return page.redirect("/espace/sessions?fait=appareil")
