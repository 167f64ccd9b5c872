"""What every browser test gets: the app live on loopback with a worker, and a French browser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.accounts import Enrolled, enroll
from tests.live import LiveApp, live_app
from tests.support import unique_email

# An assertion waits for the page as long as an action does (5 s by default): on a loaded
# machine the Temporal UI, a single-page app, can take longer than that to draw a workflow.
expect.set_options(timeout=15_000)

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 740}


def browser_url(site: LiveApp) -> str:
    """Outside development the cookie is `Secure`; Chromium keeps such a cookie over plain HTTP
    for `localhost` only (a trustworthy origin), so the browser uses that name for loopback."""
    return site.base_url.replace("127.0.0.1", "localhost")


@pytest.fixture
async def site(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[LiveApp]:
    async with live_app(dev_env.client, settings, engine) as live:
        yield live


async def new_context(browser: Browser, site: LiveApp, **options: Any) -> BrowserContext:
    """A French browser on `site`, a desktop screen unless `options` say otherwise."""
    context = await browser.new_context(
        base_url=browser_url(site), locale="fr-FR", **({"viewport": DESKTOP} | options)
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
async def context(browser: Browser, site: LiveApp) -> AsyncIterator[BrowserContext]:
    context = await new_context(browser, site)
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture
async def phone(browser: Browser, site: LiveApp) -> AsyncIterator[Page]:
    """A page on a phone's screen, touch and all."""
    context = await new_context(browser, site, viewport=PHONE, is_mobile=True, has_touch=True)
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def me(site: LiveApp, mail_sink: MailSink) -> Enrolled:
    """A subscriber enrolled over the API, with the password and answer of tests.accounts."""
    return await enroll(site.http, mail_sink, unique_email("espace"))
