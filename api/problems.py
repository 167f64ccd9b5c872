"""Errors as application/problem+json (RFC 9457), every invalid field listed at once."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from domain.errors import FieldError, InvalidFields
from domain.problems import ProblemCode
from http_common.problem_json import problem
from services.errors import (
    DATABASE_OUTAGES,
    ServiceError,
    TooManyAttempts,
    Unavailable,
    database_unavailable,
)

log = logging.getLogger(__name__)

_TYPE_MESSAGES = {
    "bool_parsing": "Cette valeur doit être vrai ou faux.",
    "bool_type": "Cette valeur doit être vrai ou faux.",
    "string_type": "Cette valeur doit être un texte.",
    "string_too_long": "Ce champ est trop long.",
    "string_too_short": "Ce champ est obligatoire.",
    "string_pattern_mismatch": "Cette valeur n'a pas la forme attendue.",
    "missing": "Ce champ est obligatoire.",
    "model_type": "Cette valeur doit être un objet.",
    "model_attributes_type": "Cette valeur doit être un objet.",
}

# Parser errors that have a rule code of their own; any other type error is "invalid_type".
_TYPE_CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "string_too_short": "required",
    "string_pattern_mismatch": "invalid_format",
}

_HTTP_TITLES = {
    400: (ProblemCode.MALFORMED_REQUEST, "Requête mal formée"),
    401: (ProblemCode.UNAUTHORIZED, "Authentification requise"),
    403: (ProblemCode.FORBIDDEN, "Accès refusé"),
    404: (ProblemCode.NOT_FOUND, "Ressource introuvable"),
    405: (ProblemCode.METHOD_NOT_ALLOWED, "Méthode non autorisée"),
    413: (ProblemCode.PAYLOAD_TOO_LARGE, "Requête trop volumineuse"),
    415: (ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Type de contenu non pris en charge"),
}


def invalid_fields(errors: list[FieldError]) -> JSONResponse:
    return problem(
        422,
        ProblemCode.INVALID_FIELDS,
        "Informations invalides",
        "Certaines informations saisies ne sont pas valides : corrigez les champs signalés.",
        errors,
    )


def _field_path(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _service_problem(exc: ServiceError) -> JSONResponse:
    headers = None
    if isinstance(exc, TooManyAttempts | Unavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    # A refusal tied to fields (e.g. 422 invalid_url) lists them like any field error.
    errors: list[FieldError] | None = getattr(exc, "errors", None)
    return problem(exc.status, exc.code, exc.title, exc.detail, errors, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(InvalidFields)
    async def _invalid(_: Request, exc: InvalidFields) -> JSONResponse:
        return invalid_fields(exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _request_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        raw = exc.errors()
        if any(e.get("type") == "json_invalid" for e in raw):
            return problem(
                400,
                ProblemCode.MALFORMED_REQUEST,
                "Requête mal formée",
                "Le corps n'est pas un JSON valide.",
            )
        if any(e.get("loc") == ("body",) for e in raw):
            return problem(
                400,
                ProblemCode.MALFORMED_REQUEST,
                "Requête mal formée",
                "Le corps doit être un objet JSON.",
            )
        errors = [
            FieldError(
                _field_path(tuple(e.get("loc", ()))),
                _TYPE_CODES.get(str(e.get("type")), "invalid_type"),
                _TYPE_MESSAGES.get(str(e.get("type")), "Cette valeur n'est pas valide."),
            )
            for e in raw
        ]
        return invalid_fields(errors)

    @app.exception_handler(ServiceError)
    async def _service(_: Request, exc: ServiceError) -> JSONResponse:
        return _service_problem(exc)

    for outage in DATABASE_OUTAGES:
        # The database down answers 503 + Retry-After like any dependency, never a bare 500.
        @app.exception_handler(outage)
        async def _database(_: Request, exc: Exception) -> JSONResponse:
            log.warning("database unavailable: %s", type(exc).__name__)
            return _service_problem(database_unavailable())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, title = _HTTP_TITLES.get(exc.status_code, (ProblemCode.ERROR, "Erreur"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else title
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem(exc.status_code, code, title, detail, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is Match.PARTIAL:
            methods |= route.methods or set()
    return sorted(methods)
