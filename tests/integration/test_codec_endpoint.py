"""The codec endpoint over HTTP: bearer token, CORS for the Temporal UI, encode → decode, and
the `temporal` CLI reading a history through it."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.cookies import Morsel, SimpleCookie
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect
from pydantic import SecretStr
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from security.codec_pass import CodecPass
from settings import Settings
from tests.live import LiveApp, LiveFactory, live_app
from tests.support import binary, fresh_hash_key, identifiers, unique_email
from tests.web import assert_plain, field

UI = "http://127.0.0.1:8233"


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
    assert preflight.headers["access-control-allow-credentials"] == "true"
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
    assert "access-control-allow-credentials" not in stranger.headers


async def test_ui_origin_may_read_the_answer(app: LiveApp, settings: Settings) -> None:
    answer = await app.http.post(
        "/codec/encode", json=plain_payloads('"x"'), headers={**auth(settings), "Origin": UI}
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["access-control-allow-credentials"] == "true"


async def test_cli_reads_a_history_through_the_endpoint(
    app: LiveApp, settings: Settings, dev_env: WorkflowEnvironment
) -> None:
    """`temporal workflow show --codec-endpoint … --codec-auth "Bearer …"` shows clear payloads."""
    email = unique_email("cli")
    created = await app.http.post(
        "/api/v1/enrollments",
        json=identifiers(email),
    )
    assert created.status_code == 201, created.text
    workflow_id = "enrollment-" + created.json()["enrollment_id"].split(".")[0]
    cli = binary("temporal")

    async def show(*extra: str) -> str:
        process = await asyncio.create_subprocess_exec(
            cli, "workflow", "show", "--workflow-id", workflow_id, "--output", "json",
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


# -- the codec pass: /codec/session gives the browser a cookie the UI's codec calls carry ----------
# Outside development the cookies are `Secure`, which httpx keeps to https: these tests carry
# them by hand, as the browser does for `localhost` (see the browser test below).


def set_cookie(response: httpx.Response, name: str) -> Morsel[str] | None:
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name]
    return None


async def give_token(http: httpx.AsyncClient, token: str) -> httpx.Response:
    """The session page filled and posted as a browser would: its CSRF token, its cookie."""
    page = await http.get("/codec/session")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    session = set_cookie(page, "espace_session")
    assert found and session
    return await http.post(
        "/codec/session",
        data={"csrf_token": found[1], "token": token},
        headers={"Cookie": f"espace_session={session.value}"},
    )


async def codec_pass(http: httpx.AsyncClient, settings: Settings) -> str:
    opened = await give_token(http, settings.codec_auth_token.get_secret_value())
    assert opened.status_code == 303
    cookie = set_cookie(opened, "codec_pass")
    assert cookie
    return cookie.value


async def test_session_page_gives_the_pass_for_the_right_token_only(
    app: LiveApp, settings: Settings
) -> None:
    page = await app.http.get("/codec/session")
    assert "Jeton d'accès au décodage" in html.unescape(page.text)
    assert f"{app.base_url}/codec" in page.text  # the endpoint to give the UI

    wrong = await give_token(app.http, "not-the-token")
    assert wrong.status_code == 403
    assert "Jeton refusé." in wrong.text
    assert set_cookie(wrong, "codec_pass") is None

    token = settings.codec_auth_token.get_secret_value()
    opened = await give_token(app.http, token)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/codec/session"
    cookie = set_cookie(opened, "codec_pass")
    assert cookie is not None
    assert cookie["httponly"] and cookie["secure"]  # Secure: APP_ENV is not development
    assert cookie["samesite"].lower() == "strict"
    assert cookie["path"] == "/codec"
    assert int(cookie["max-age"]) == settings.codec_session_lifetime.total_seconds()
    assert token not in cookie.value

    shown = await app.http.get("/codec/session", headers={"Cookie": f"codec_pass={cookie.value}"})
    assert "Le décodage est ouvert pour ce navigateur" in shown.text


async def test_closing_the_session_clears_the_pass(app: LiveApp, settings: Settings) -> None:
    page = await app.http.get("/codec/session")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    session = set_cookie(page, "espace_session")
    assert found and session
    closed = await app.http.post(
        "/codec/session/delete",
        data={"csrf_token": found[1]},
        headers={"Cookie": f"espace_session={session.value}"},
    )
    assert closed.status_code == 303
    cleared = set_cookie(closed, "codec_pass")
    assert cleared is not None and cleared.value == "" and cleared["path"] == "/codec"
    assert int(cleared["max-age"]) == 0


async def test_the_ui_decodes_with_the_pass_and_no_bearer(app: LiveApp, settings: Settings) -> None:
    original = plain_payloads('"lila@exemple.fr"')
    sealed = (await app.http.post("/codec/encode", json=original, headers=auth(settings))).json()
    pass_ = await codec_pass(app.http, settings)
    from_ui = {"Origin": UI, "X-Namespace": settings.temporal_namespace}

    decoded = await app.http.post(
        "/codec/decode?preserveStorageRefs=true",  # as the UI calls it
        json=sealed,
        headers={**from_ui, "Cookie": f"codec_pass={pass_}"},
    )
    assert decoded.status_code == 200, decoded.text
    assert decoded.json() == original
    assert decoded.headers["access-control-allow-origin"] == UI
    assert decoded.headers["access-control-allow-credentials"] == "true"

    without = await app.http.post("/codec/decode", json=sealed, headers=from_ui)
    assert without.status_code == 401
    assert without.headers["access-control-allow-origin"] == UI  # so the UI can read the refusal

    altered = await app.http.post(
        "/codec/decode", json=sealed, headers={**from_ui, "Cookie": f"codec_pass={pass_[:-4]}"}
    )
    assert altered.status_code == 401

    other_token = settings.model_copy(update={"codec_auth_token": SecretStr("x" * 32)})
    foreign = CodecPass(other_token).issue()
    forged = await app.http.post(
        "/codec/decode", json=sealed, headers={**from_ui, "Cookie": f"codec_pass={foreign}"}
    )
    assert forged.status_code == 401


async def test_the_pass_is_spent_from_the_ui_origins_only(app: LiveApp, settings: Settings) -> None:
    sealed = (
        await app.http.post("/codec/encode", json=plain_payloads('"x"'), headers=auth(settings))
    ).json()
    cookie = {"Cookie": f"codec_pass={await codec_pass(app.http, settings)}"}

    stranger = await app.http.post(
        "/codec/decode", json=sealed, headers={**cookie, "Origin": "http://127.0.0.1:9999"}
    )
    assert stranger.status_code == 401
    assert "access-control-allow-origin" not in stranger.headers
    assert "access-control-allow-credentials" not in stranger.headers

    no_origin = await app.http.post("/codec/decode", json=sealed, headers=cookie)
    assert no_origin.status_code == 401


async def test_token_attempts_are_limited_per_address(
    app_with: LiveFactory, settings: Settings
) -> None:
    # Its own key, so its counter is not the other tests' (one database, one address).
    async with app_with(codec_sessions_per_address=2, identifier_hash_key=fresh_hash_key()) as live:
        assert (await give_token(live.http, "wrong-1")).status_code == 403
        assert (await give_token(live.http, "wrong-2")).status_code == 403
        token = settings.codec_auth_token.get_secret_value()
        refused = await give_token(live.http, token)
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        assert set_cookie(refused, "codec_pass") is None


# -- in a real browser: a page on another port of the same host stands in for the Temporal UI ---


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_site(folder: Path) -> Iterator[int]:
    """Serve `folder` on loopback, on a port of its own; yield the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
async def test_a_same_site_page_decodes_once_the_browser_has_the_pass(
    browser: Browser,
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
) -> None:
    """What the UI does with « Include cross-origin credentials »: `fetch(…, {credentials:
    'include'})` from its own origin, a preflight, and the pass cookie sent along."""
    with static_site(tmp_path) as ui_port:
        # Chromium keeps a `Secure` cookie over plain HTTP for `localhost` only.
        ui = f"http://localhost:{ui_port}"
        own = settings.model_copy(update={"codec_cors_origins": [ui]})
        async with live_app(dev_env.client, own, engine) as live:
            api = live.base_url.replace("127.0.0.1", "localhost")
            original = plain_payloads('"lila@exemple.fr"')
            sealed = await live.http.post("/codec/encode", json=original, headers=auth(own))
            (tmp_path / "sealed.json").write_text(sealed.text)
            (tmp_path / "ui.js").write_text(
                UI_SCRIPT % (json.dumps(api), json.dumps(own.temporal_namespace))
            )
            (tmp_path / "index.html").write_text(UI_PAGE)

            context = await browser.new_context(locale="fr-FR")
            context.set_default_timeout(15_000)
            page = await context.new_page()

            async def decode_from_ui() -> tuple[int, str]:
                await page.goto(f"{ui}/index.html")
                result = page.locator("#result")
                await expect(result).not_to_be_empty()
                status, _, body = (await result.text_content() or "").partition(" ")
                return int(status), body

            assert (await decode_from_ui())[0] == 401

            await page.goto(f"{api}/codec/session")
            await field(page, "Jeton d'accès au décodage").fill(
                own.codec_auth_token.get_secret_value()
            )
            await page.get_by_role("button", name="Ouvrir l'accès au décodage").click()
            await expect(page.get_by_role("status")).to_contain_text("Le décodage est ouvert")
            await assert_plain(page)

            status, body = await decode_from_ui()
            assert status == 200, body
            assert json.loads(body) == original

            await page.goto(f"{api}/codec/session")
            await page.get_by_role("button", name="Fermer l'accès au décodage").click()
            assert (await decode_from_ui())[0] == 401
            await context.close()


UI_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>UI</title><script src="ui.js" defer></script></head>
<body><pre id="result"></pre></body></html>
"""

# As temporalio/ui's codec call with « Include cross-origin credentials »: JSON body, X-Namespace,
# credentials: 'include'.
UI_SCRIPT = """
const codec = %s + "/codec", namespace = %s;
const show = (text) => { document.getElementById("result").textContent = text; };
fetch("sealed.json")
  .then((r) => r.text())
  .then((body) => fetch(codec + "/decode?preserveStorageRefs=true", {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", "X-Namespace": namespace },
    body,
  }))
  .then(async (r) => show(r.status + " " + (await r.text())))
  .catch((e) => show("0 " + e));
"""
