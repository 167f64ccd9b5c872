"""The problem+json answer (RFC 9457), built once for the API's errors and for the middleware
that wraps the API and the pages alike (a body over the limit is refused the same way)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from domain.errors import FieldError
from domain.problems import ProblemCode

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/problems/"


def problem(
    status: int,
    code: ProblemCode,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code.value,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code.value,
    }
    if errors is not None:
        body["errors"] = [{"field": e.field, "code": e.code, "message": e.message} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)
