"""Unknown addresses and wrong methods, for a browser: a French page in the site's layout.

The JSON API answers problem+json (api/problems.py); this wraps whatever handler is already
registered for HTTP errors and takes over only for browsers outside `/api/`, so the two never
need to import each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import cast

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from web.page import error_page

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

_PAGES = {
    404: (
        "Page introuvable",
        "L'adresse demandée ne correspond à aucune page de l'espace abonné. Vérifiez-la, ou "
        "repartez de l'accueil de l'espace abonné.",
    ),
    405: (
        "Action impossible sur cette page",
        "Cette page ne peut pas être ouverte de cette façon. Repartez de l'accueil de l'espace "
        "abonné et suivez les liens et les boutons des pages.",
    ),
}

# Paths whose clients are programs: they keep problem+json whatever they accept.
_MACHINE_PREFIXES = (
    "/api/",
    "/codec/encode",
    "/codec/decode",
    "/openapi",
    "/metrics",
    "/healthz",
    "/readyz",
)


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(_MACHINE_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    """Call after the JSON API's handlers are installed: they stay the fallback."""
    fallback = cast(Handler | None, app.exception_handlers.get(StarletteHTTPException))

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        page = _PAGES.get(exc.status_code)
        if page is not None and wants_page(request):
            response = error_page(request, exc.status_code, *page)
            for name, value in (exc.headers or {}).items():  # e.g. 405's Allow
                response.headers[name] = value
            return response
        if fallback is None:
            return Response(status_code=exc.status_code, headers=exc.headers)
        result = fallback(request, exc)
        return await result if isinstance(result, Awaitable) else result

    app.add_exception_handler(StarletteHTTPException, handle)
