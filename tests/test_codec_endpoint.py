"""The codec endpoint over HTTP: bearer token, CORS for the Temporal UI, encode → decode, and
the `temporal` CLI reading a history through it."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from tests.live import LiveApp, live_app
from tests.support import unique_email

UI = "http://127.0.0.1:8233"


@pytest.fixture
async def app(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[LiveApp]:
    async with live_app(dev_env.client, settings, engine) as live:
        yield live


def auth(settings: Settings) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {settings.codec_auth_token.get_secret_value()}",
        "X-Namespace": settings.temporal_namespace,
    }


def plain_payloads(*texts: str) -> dict[str, object]:
    """Payloads in protobuf's JSON form: bytes as base64."""
    encoding = base64.b64encode(b"json/plain").decode()
    return {
        "payloads": [
            {"metadata": {"encoding": encoding}, "data": base64.b64encode(t.encode()).decode()}
            for t in texts
        ]
    }


async def test_encode_then_decode_round_trips(app: LiveApp, settings: Settings) -> None:
    original = plain_payloads('"lila@exemple.fr"', '{"n": 1}')
    encoded = await app.http.post("/codec/encode", json=original, headers=auth(settings))
    assert encoded.status_code == 200, encoded.text
    assert encoded.headers["content-type"] == "application/json"
    sealed = encoded.json()["payloads"]
    assert base64.b64decode(sealed[0]["metadata"]["encoding"]) == b"binary/encrypted"
    assert "lila" not in encoded.text

    decoded = await app.http.post("/codec/decode", json=encoded.json(), headers=auth(settings))
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == original


@pytest.mark.parametrize("path", ["/codec/encode", "/codec/decode"])
async def test_refuses_without_or_with_a_wrong_token(
    app: LiveApp, settings: Settings, path: str
) -> None:
    body = plain_payloads('"x"')
    missing = await app.http.post(path, json=body)
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = await app.http.post(path, json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    other_namespace = {**auth(settings), "X-Namespace": "someone-else"}
    assert (await app.http.post(path, json=body, headers=other_namespace)).status_code == 403


async def test_refuses_what_it_cannot_read(app: LiveApp, settings: Settings) -> None:
    garbage = await app.http.post("/codec/decode", content=b"{nope", headers=auth(settings))
    assert garbage.status_code == 400
    foreign = plain_payloads("x")
    foreign["payloads"][0]["metadata"] = {  # type: ignore[index]
        "encoding": base64.b64encode(b"binary/encrypted").decode(),
        "encryption-key-id": base64.b64encode(b"unknown-kid").decode(),
    }
    refused = await app.http.post("/codec/decode", json=foreign, headers=auth(settings))
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_payloads"


async def test_answers_the_ui_preflight(app: LiveApp) -> None:
    preflight = await app.http.options(
        "/codec/decode",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == UI
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed = {
        h.strip().lower() for h in preflight.headers["access-control-allow-headers"].split(",")
    }
    assert {"authorization", "content-type", "x-namespace"} <= allowed

    stranger = await app.http.options(
        "/codec/decode",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in stranger.headers


async def test_ui_origin_may_read_the_answer(app: LiveApp, settings: Settings) -> None:
    answer = await app.http.post(
        "/codec/encode", json=plain_payloads('"x"'), headers={**auth(settings), "Origin": UI}
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == UI


async def test_cli_reads_a_history_through_the_endpoint(
    app: LiveApp, settings: Settings, dev_env: WorkflowEnvironment
) -> None:
    """`temporal workflow show --codec-endpoint … --codec-auth "Bearer …"` shows clear payloads."""
    email = unique_email("cli")
    created = await app.http.post(
        "/api/v1/enrollments",
        json={
            "terms_accepted": True,
            "email": email,
            "email_confirmation": email,
            "password": "Abcd1234",
            "password_confirmation": "Abcd1234",
        },
    )
    assert created.status_code == 201, created.text
    workflow_id = "enrollment-" + created.json()["enrollment_id"].split(".")[0]
    binary = shutil.which("temporal")
    assert binary

    async def show(*extra: str) -> str:
        process = await asyncio.create_subprocess_exec(
            binary, "workflow", "show", "--workflow-id", workflow_id, "--output", "json",
            "--address", dev_env.client.service_client.config.target_host,
            "--namespace", settings.temporal_namespace, *extra,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    token = settings.codec_auth_token.get_secret_value()
    clear = await show(
        "--codec-endpoint", f"{app.base_url}/codec", "--codec-auth", f"Bearer {token}"
    )
    sealed = await show()
    assert email.encode() in payload_data(clear)
    assert email.encode() not in payload_data(sealed)


def payload_data(history_json: str) -> bytes:
    """Every payload's data in a history printed as JSON (protobuf JSON: bytes as base64)."""
    found: list[bytes] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str) and "metadata" in node:
                found.append(base64.b64decode(node["data"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(history_json))
    return b"\n".join(found)
