"""The cookie that makes a browser recognised (SPEC §9): the device token, random, HttpOnly,
SameSite=Lax, Secure outside development, valid `device_lifetime` (30 days) from the last time
the browser was seen. Only its digest is stored (storage.devices)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from settings import Environment, Settings

DEVICE_COOKIE = "espace_appareil"
_MAX_LENGTH = 100


def device_token(request: Request) -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    return value if value and len(value) <= _MAX_LENGTH else None


def keep_device(request: Request, response: Response, settings: Settings, token: str) -> None:
    """Set (or renew for another `device_lifetime`) the browser's device cookie."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=int(settings.device_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.app_env is not Environment.DEVELOPMENT or request.url.scheme == "https",
    )
