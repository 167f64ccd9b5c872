"""The second step and « Sécurité de mon espace » in a real browser (Debian's Chromium driven by
Playwright): the code screen after the password from a browser not recognised, the e-mailed code,
the browser recognised afterwards and forgotten from « Mes sessions »; the authenticator app's
enrolment (QR code drawn on the server, the key in clear, the first code, the recovery codes)
and turning it off. axe-core finds nothing on the new pages. The app on loopback (SECOND_FACTOR=
new_device), a real worker, the Temporal dev server, the SMTP sink."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink, text_of
from settings import SecondFactor, Settings
from tests.accounts import PASSWORD, Enrolled, notice_to
from tests.browser.conftest import new_context
from tests.live import LiveApp, live_app
from tests.web import checked_shot, field, follow, heading, submit_sign_in

pytestmark = pytest.mark.browser

SIX_DIGITS = re.compile(r"^(\d{6})\s*$", re.MULTILINE)
STEP = 30  # seconds per TOTP code


@pytest.fixture
async def site(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[LiveApp]:
    changed = settings.model_copy(update={"second_factor": SecondFactor.NEW_DEVICE})
    async with live_app(dev_env.client, changed, engine) as live:
        yield live


async def no_accessibility_violation(page: Page) -> None:
    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


async def code_mail_count(sink: MailSink, email: str) -> int:
    return sum("code de vérification" in str(m["Subject"]) for m in sink.messages_to(email))


async def emailed_code(sink: MailSink, email: str, number: int) -> str:
    """The `number`-th sign-in code e-mailed to `email` (waiting for it as long as it takes)."""
    count, seen = 1, 0
    while True:
        message = await sink.message_to(email, count)
        if "code de vérification" in str(message["Subject"]):
            seen += 1
            if seen == number:
                match = SIX_DIGITS.search(text_of(message))
                assert match
                return match.group(1)
        count += 1


async def sign_in_with_code(page: Page, sink: MailSink, me: Enrolled) -> None:
    number = await code_mail_count(sink, me.email) + 1
    await submit_sign_in(page, me.email, PASSWORD)
    await heading(page, "Code de vérification")
    await field(page, "Code de vérification").fill(await emailed_code(sink, me.email, number))
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")


async def sign_out(page: Page) -> None:
    await page.goto("/espace")
    await page.get_by_role("button", name="Se déconnecter").click()
    await heading(page, "Espace abonné")


async def test_a_new_browser_is_asked_the_emailed_code_then_recognised(
    page: Page, context: BrowserContext, me: Enrolled, mail_sink: MailSink
) -> None:
    await submit_sign_in(page, me.email, PASSWORD)
    await heading(page, "Code de vérification")
    await expect(page.get_by_role("main")).to_contain_text("envoyé par courriel")
    await expect(page.get_by_role("main")).to_contain_text("Il est valable 10 minutes")
    await no_accessibility_violation(page)
    await checked_shot(page, "60-code-de-verification")
    code = await emailed_code(mail_sink, me.email, 1)

    # A wrong code: the message beside the field and at the top; nothing typed back.
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    await field(page, "Code de vérification").fill(wrong)
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("Code de vérification incorrect")
    await expect(page.locator("#code-error")).to_contain_text("Code de vérification incorrect")
    await expect(field(page, "Code de vérification")).to_have_value("")
    await checked_shot(page, "61-code-de-verification-incorrect")

    await field(page, "Code de vérification").fill(code)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")
    await notice_to(mail_sink, me.email, "connexion depuis un nouveau navigateur")
    # The device cookie: random, HttpOnly, SameSite, Secure outside development, 30 days.
    [device] = [c for c in await context.cookies() if c["name"] == "espace_appareil"]
    assert device["httpOnly"] and device["sameSite"] == "Lax" and device["secure"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", device["value"])
    days = (device["expires"] - time.time()) / 86400
    assert 29.9 < days <= 30

    # Recognised: the password alone, no code, next time.
    await sign_out(page)
    await submit_sign_in(page, me.email, PASSWORD)
    await heading(page, "Mon espace")

    # Listed with the sessions; forgotten, it is asked for a code again.
    await follow(page, "Mes sessions")
    devices = page.get_by_role("region").filter(has_text="Oublier ce navigateur")
    await expect(devices).to_have_count(2)  # the API client that activated, and this browser
    this_browser = devices.filter(has_text="HeadlessChrome")  # its User-Agent, shown in full
    await expect(this_browser).to_contain_text("Chrome sur Linux")
    await no_accessibility_violation(page)
    await checked_shot(page, "62-sessions-et-navigateurs-reconnus")
    await this_browser.get_by_role("button", name="Oublier ce navigateur").click()
    await expect(page.get_by_role("status")).to_contain_text("ne sera plus reconnu")
    await sign_out(page)
    await submit_sign_in(page, me.email, PASSWORD)
    await heading(page, "Code de vérification")


async def away_from_a_step_edge() -> None:
    """A code typed now is judged a moment later: wait (at most a few seconds) until the current
    30-second step has at least 5 seconds left, so both fall in the same step."""
    left = STEP - time.time() % STEP
    if left < 5:
        await asyncio.sleep(left + 0.1)


def app_code(key: str, ahead: int = 0) -> str:
    """The app's code `ahead` steps from now."""
    return pyotp.TOTP(key).at(datetime.now(UTC) + timedelta(seconds=STEP * ahead))


async def test_the_app_is_turned_on_with_a_qr_code_then_off(
    page: Page, me: Enrolled, mail_sink: MailSink
) -> None:
    await sign_in_with_code(page, mail_sink, me)
    await follow(page, "Sécurité de mon espace")
    await expect(page.get_by_role("main")).to_contain_text("Non activée")
    await no_accessibility_violation(page)
    await checked_shot(page, "63-securite-de-mon-espace")

    await page.get_by_role("button", name="Activer une application d'authentification").click()
    await heading(page, "Activer une application d'authentification")
    qr = page.get_by_role("img", name="QR code à scanner avec votre application d'authentification")
    await expect(qr).to_be_visible()
    assert await page.locator("script").count() == 0  # drawn on the server, no JavaScript
    key = "".join((await page.locator("code.key").inner_text()).split())
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    await no_accessibility_violation(page)
    await checked_shot(page, "64-activer-une-application")

    await away_from_a_step_edge()
    await field(page, "Code affiché par l'application").fill(app_code(key))
    await page.get_by_role("button", name="Activer").click()
    await heading(page, "Vos codes de secours")
    codes = await page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    await no_accessibility_violation(page)
    await checked_shot(page, "65-codes-de-secours")
    await notice_to(mail_sink, me.email, "application d'authentification activée")

    # Shown once: back on the page, the app is on and the codes are not there any more.
    await page.get_by_role("link", name="Retour à la sécurité de mon espace").click()
    await expect(page.get_by_role("main")).to_contain_text("Codes de secours inutilisés : 10")
    assert codes[0] not in await page.content()

    # Off: the password and a current code (the next step's: the first one is used up).
    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Code affiché par l'application").fill(app_code(key, ahead=1))
    await page.get_by_role("button", name="Désactiver").click()
    await expect(page.get_by_role("status")).to_contain_text("est désactivée")
    await expect(page.get_by_role("main")).to_contain_text("Non activée")
    await notice_to(mail_sink, me.email, "application d'authentification désactivée")


async def test_with_an_app_the_code_screen_asks_its_code_or_a_recovery_code(
    browser: Browser, site: LiveApp, page: Page, me: Enrolled, mail_sink: MailSink
) -> None:
    # The app, turned on over the API with the previous step's code (still good for a moment),
    # so that this step's code is left for the browser.
    await away_from_a_step_edge()
    started = await site.http.post("/api/v1/me/totp", headers=me.auth)
    key = started.json()["secret"]
    confirmed = await site.http.post(
        "/api/v1/me/totp/confirm", json={"code": app_code(key, ahead=-1)}, headers=me.auth
    )
    recovery_codes = confirmed.json()["recovery_codes"]

    await submit_sign_in(page, me.email, PASSWORD)
    await heading(page, "Code de vérification")
    await expect(page.get_by_role("main")).to_contain_text("application d'authentification")
    await no_accessibility_violation(page)
    await checked_shot(page, "66-code-de-l-application")
    await field(page, "Code de vérification").fill(app_code(key))
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")

    # Another browser, without the phone: a recovery code instead.
    other = await new_context(browser, site)
    try:
        lost = await other.new_page()
        await submit_sign_in(lost, me.email, PASSWORD)
        await heading(lost, "Code de vérification")
        await lost.get_by_text("Vous n'avez plus accès à votre application").click()
        await field(lost, "Code de secours").fill(recovery_codes[0])
        await lost.get_by_role("button", name="Valider").click()
        await heading(lost, "Mon espace")
    finally:
        await other.close()
    await notice_to(mail_sink, me.email, "un code de secours a été utilisé")
