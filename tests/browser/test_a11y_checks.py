"""The accessibility audit's own checks (tests.a11y) catch what they are for: pages made wrong on
purpose, in Chromium, must fail them — so that the audit passing means something."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page

from tests.a11y import axe_violations, focus_problem, tab_cycle, text_losses

pytestmark = pytest.mark.browser

PLAIN = "<!doctype html><html lang='fr'><head><title>Essai</title></head><body>{}</body></html>"


@pytest.fixture
async def blank(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    yield await context.new_page()
    await context.close()


async def test_axe_core_reports_a_field_without_a_label(blank: Page) -> None:
    await blank.set_content(PLAIN.format("<main><h1>Essai</h1><input type='text'></main>"))
    assert any(line.startswith("label ") for line in await axe_violations(blank))
    await blank.set_content(
        PLAIN.format("<main><h1>Essai</h1><label>Nom <input type='text'></label></main>")
    )
    assert await axe_violations(blank) == []


async def test_a_focus_without_outline_is_caught(blank: Page) -> None:
    await blank.set_content(
        PLAIN.format("<style>a:focus { outline: none }</style><a href='#x'>Lien</a>")
    )
    with pytest.raises(AssertionError, match="focus not drawn"):
        await tab_cycle(blank)
    await blank.set_content(PLAIN.format("<a href='#x'>Lien</a>"))  # the browser's own ring
    await blank.keyboard.press("Tab")
    assert await focus_problem(blank) == ""


async def test_text_that_overflows_at_200_percent_is_caught(blank: Page) -> None:
    await blank.set_content(
        PLAIN.format(
            "<style>p { width: 40rem }</style><p>Un texte</p>"
            "<div style='width: 10rem; overflow: hidden; white-space: nowrap'>"
            "Un texte coupé bien trop long pour sa boîte</div>"
        )
    )
    losses = await text_losses(blank)
    assert any("wider than the window" in loss for loss in losses), losses
    assert any("cut off on the right" in loss for loss in losses), losses
    # Restored afterwards: the page is as it was.
    assert await blank.evaluate("() => document.documentElement.style.fontSize") == ""
