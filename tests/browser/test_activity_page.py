"""« Activité de mon espace » in a real browser (Debian's Chromium driven by Playwright): what
happened to the space, newest first, in French, with the browser's name, the network and the
time in Paris; axe-core finds nothing on the page. The app on loopback, a real worker, the
Temporal dev server, the SMTP sink."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.accounts import PASSWORD, Enrolled
from tests.live import LiveApp
from tests.web import checked_shot, follow, sign_in

pytestmark = pytest.mark.browser

PARIS_TIME = re.compile(r"\d{1,2}(er)? [^ ]+ 20\d\d à \d\d\u00a0h\u00a0\d\d \(heure de Paris\)")
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


async def test_the_activity_page_lists_what_happened(
    page: Page, site: LiveApp, me: Enrolled
) -> None:
    refused = await site.http.post(
        "/api/v1/sessions",
        json={"email": me.email, "password": "Mauvais2026"},
        headers={"User-Agent": EDGE},
    )
    assert refused.status_code == 401
    await sign_in(page, me.email, PASSWORD)

    await follow(page, "Activité de mon espace")

    table = page.get_by_role("table", name="Événements des 12 derniers mois")
    await expect(table.get_by_role("columnheader")).to_have_text(
        ["Date", "Événement", "Navigateur", "Réseau"]
    )
    rows = table.locator("tbody tr")
    # Newest first: this sign-in, the refused one, the first session opened by the activation.
    await expect(rows).to_have_count(3)
    await expect(rows.nth(0).locator("td")).to_have_text(
        [
            # Chromium names itself HeadlessChrome under test: Chrome, on Linux.
            PARIS_TIME,
            "Connexion à l'espace",
            "Chrome sur Linux",
            "127.0.0.0/24",
        ]
    )
    await expect(rows.nth(1).locator("td").nth(1)).to_have_text(
        "Connexion refusée (mot de passe incorrect)"
    )
    await expect(rows.nth(1).locator("td").nth(2)).to_have_text("Microsoft Edge sur Windows")
    await expect(rows.nth(2).locator("td").nth(1)).to_have_text("Connexion à l'espace")
    await checked_shot(page, "70-activite-de-mon-espace")

    results = await Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
