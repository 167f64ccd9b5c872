"""Reading the API's answers: problem documents (RFC 9457), the fields a 422 names, and the
secrets no answer may carry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx

from domain.rules import MESSAGES

PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int, code: str | None = None) -> Any:
    """The problem document of `response`, which must have this status (and code, if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def fields(response: httpx.Response) -> dict[str, str]:
    """A 422's invalid fields → their codes, each error well formed and its message the rule's."""
    body = problem(response, 422, "invalid_fields")
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", error["field"]), error
        assert re.fullmatch(r"[a-z_]+", error["code"]), error
        assert error["message"] == MESSAGES.get(error["code"], error["message"])
        assert error["message"] and error["message"] != error["code"]
    return {e["field"]: e["code"] for e in body["errors"]}


def assert_never_echoed(responses: Iterable[httpx.Response], *secrets: str) -> None:
    for response in responses:
        if response.headers.get("content-type", "").startswith("application/pdf"):
            continue  # compressed: the recap's own tests read its text
        for secret in secrets:
            assert secret not in response.text, response.request.url
            assert secret not in str(response.headers), response.request.url
