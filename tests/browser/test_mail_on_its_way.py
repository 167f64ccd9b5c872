"""« Courriel envoyé » in Chromium while the SMTP server is down: the page says in French that
the e-mail is on its way, and says it was sent once SMTP is back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.browser.conftest import new_context
from tests.live import LiveApp, live_app
from tests.quiet import quiet_enrollment
from tests.support import code_from, free_port, unique_email
from tests.web import accept_terms, fill_details, fill_identifiers, follow, heading, shot

pytestmark = pytest.mark.browser

ON_ITS_WAY = "Le courriel contenant votre code d'activation est en cours d'envoi"
SENT = "Un code d'activation de votre espace abonné a été envoyé"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
async def site(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, smtp_port: int
) -> AsyncIterator[LiveApp]:
    down = settings.model_copy(update={"smtp_port": smtp_port})
    async with live_app(dev_env.client, down, engine) as live:
        yield live


@pytest.fixture
async def page(browser: Browser, site: LiveApp) -> AsyncIterator[Page]:
    context = await new_context(browser, site)
    yield await context.new_page()
    await context.close()


async def test_the_page_says_the_mail_is_on_its_way_then_sent(
    page: Page, smtp_port: int, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    email = unique_email("attente")
    await accept_terms(page)
    await fill_identifiers(page, email)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    await fill_details(page)
    await page.get_by_role("button", name="Valider").click()
    await page.get_by_role("button", name="Confirmer").click()

    await heading(page, "Vos identifiants d'authentification")
    main = page.get_by_role("main")
    await expect(main).to_contain_text(ON_ITS_WAY)
    await expect(main).to_contain_text("Votre code sera valable au moins jusqu'au")
    await expect(main).not_to_contain_text(SENT)
    await shot(page, "07-courriel-en-cours-d-envoi")

    sink = MailSink()
    await sink.start(port=smtp_port)  # SMTP is back
    try:
        code_from(await sink.message_to(email))
        # The workflow records the sending a moment after SMTP took the mail: once it has
        # nothing in flight, one reload shows it.
        await quiet_enrollment(dev_env.client, settings, email)
        await follow(page, "Actualiser cette page", "Vos identifiants d'authentification")
        await expect(main).to_contain_text(SENT)
        await expect(main).to_contain_text("Votre code est valable jusqu'au")
    finally:
        await sink.stop()
