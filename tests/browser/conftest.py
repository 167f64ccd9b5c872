"""What every browser test gets: the app live on loopback with a worker, and a French browser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from settings import Settings
from tests.live import LiveApp, live_app

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


@pytest.fixture
async def context(browser: Browser, site: LiveApp) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(
        base_url=browser_url(site), locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()
