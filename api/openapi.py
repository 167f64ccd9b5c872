"""The OpenAPI document, faithful to what the API answers: backend services generate clients
from it, so every problem answer an operation can give is in it, as application/problem+json.

Each route names the answers particular to it (`responses=problems(409, 429)`); the ones every
operation of a kind can give are added to the generated document here: 503 for all (a
dependency is down), 400/413/422 where there is a body, 404 where the path names a resource, 401
where a session is required. Each operation's `operationId` is its route function's name.

What the request bodies enforce is declared on them (`api/schemas/declared.py`).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from domain.problems import ProblemCode

PROBLEM_JSON = "application/problem+json"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_DESCRIPTIONS = {
    400: "Requête mal formée (corps absent ou JSON invalide).",
    401: "Session absente ou expirée.",
    403: "Secret refusé.",
    404: "Ressource introuvable.",
    409: "Opération impossible dans l'état actuel.",
    410: "Délai dépassé.",
    413: "Corps de requête trop volumineux (plus de 64 Kio).",
    422: "Informations invalides : chaque champ en erreur est listé.",
    429: "Trop de tentatives (en-tête Retry-After).",
    503: "Une dépendance est momentanément indisponible (en-tête Retry-After).",
}


_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Retry safely: the same key and body get the first answer again (24 h); the same key "
        "with another body answers 422, while the first still runs 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


class FieldProblem(BaseModel):
    field: str
    code: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable `code` and every invalid field at once."""

    type: str
    title: str
    status: int
    detail: str
    code: ProblemCode
    errors: list[FieldProblem] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The problem answers of an operation, for a route's `responses=`."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
        }
        for status in statuses
    }


def operation_id(route: APIRoute) -> str:
    """The route function's name (`create_enrollment`): the generated client's function names.
    `install` refuses a document where two operations share one."""
    return route.name


def install(app: FastAPI) -> None:
    """Complete the generated document with the answers every operation of a kind can give."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        _check_operation_ids(document)
        for path, operations in document.get("paths", {}).items():
            if path.startswith("/api/"):
                for method, operation in operations.items():
                    _complete(method, operation)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem
        # FastAPI's own validation error shape is never answered: problem+json replaces it.
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        _drop_unreferenced(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _complete(method: str, operation: dict[str, Any]) -> None:
    statuses = {503}
    if method == "post":  # api/idempotency.py
        operation.setdefault("parameters", []).append(_IDEMPOTENCY_KEY)
        statuses |= {400, 409, 422}  # 400: a malformed key
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses |= {404, 422}
    if any(p.get("in") == "query" for p in operation.get("parameters", [])):
        statuses.add(422)  # a query parameter of the wrong shape
    if operation.get("security"):
        statuses.add(401)
    responses = operation.setdefault("responses", {})
    for status, answer in problems(*sorted(statuses)).items():
        key = str(status)
        # 422 is FastAPI's default answer (application/json): it is problem+json here.
        if key not in responses or "HTTPValidationError" in str(responses[key]):
            responses[key] = answer


def _check_operation_ids(document: dict[str, Any]) -> None:
    seen: set[str] = set()
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            name = operation.get("operationId")
            if name in seen:
                raise ValueError(f"two API operations are named {name!r}: rename a route function")
            seen.add(name)


def _drop_unreferenced(document: dict[str, Any]) -> None:
    """Schemas nothing refers to (a type a field states inline, with `WithJsonSchema`, still has
    its definition collected): clients' generators would parse them, and clash on their names."""
    schemas = document.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(document)
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
