"""The sheet's French, held in place: its sentences, the assistance channel on every page, French
spacing, the required mark, the error summary in the page's order, the breadcrumb, and French
pages for unknown addresses. Screenshots go to each test's tmp dir."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from settings import Settings
from tests.support import unique_email
from tests.web import (
    TERMS_LABEL,
    accept_terms,
    assert_french_spacing,
    fill_identifiers,
    heading,
    shot,
)

pytestmark = pytest.mark.browser

SHEET_HOME = (
    "L'espace abonné vous permet d'accéder à l'ensemble des services en ligne proposés par "
    "l'administration fiscale aux professionnels."
)


PAGES = ("/", "/inscription", "/activation", "/activation/nouveau-code")
# The site's information pages, each linked from every footer under these words.
INFORMATION_PAGES = {
    "/accessibilite": "Accessibilité\u00a0: partiellement conforme",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
    "/cookies": "Cookies",
    "/plan-du-site": "Plan du site",
}


async def assert_footer_channel(page: Page, settings: Settings) -> None:
    footer = page.get_by_role("contentinfo")
    await expect(footer).to_contain_text("de 8 h 00 à 19 h 30")
    await expect(footer).to_contain_text("du lundi au vendredi")
    phone = footer.get_by_role("link", name="0 810 006 882")
    await expect(phone).to_have_attribute("href", "tel:+33810006882")
    form = footer.get_by_role("link", name=re.compile("formulaire électronique"))
    await expect(form).to_have_attribute("href", settings.support_url)
    for href, name in INFORMATION_PAGES.items():
        await expect(footer.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "href", href
        )


async def test_the_sheet_sentences_the_footer_and_french_spacing(
    page: Page, settings: Settings, tmp_path: Path
) -> None:
    await page.goto("/")
    await expect(page.locator(".lead")).to_have_text(SHEET_HOME)
    await expect(page.get_by_role("navigation", name="Professionnels")).to_contain_text(
        "Espace abonné (création, accès)"
    )
    for path in (*PAGES, *INFORMATION_PAGES):
        await page.goto(path)
        await assert_footer_channel(page, settings)
        await assert_french_spacing(page)
        # Nobody is signed in: no « Mon espace » anywhere, the breadcrumb included.
        await expect(page.get_by_role("navigation", name="Vous êtes ici")).not_to_contain_text(
            "Mon espace"
        )
        await shot(page, "page" + path.replace("/", "-"), tmp_path)
    await accept_terms(page)
    await assert_footer_channel(page, settings)
    await assert_french_spacing(page)
    crumbs = page.get_by_role("navigation", name="Vous êtes ici").get_by_role("listitem")
    await expect(crumbs).to_have_text(["Professionnels", "Espace abonné", "Créer vos identifiants"])
    # The sheet's labels on this screen, word for word.
    for label in ("Votre identifiant (adresse e-mail)", "Confirmer votre nouvelle adresse mail"):
        await expect(page.get_by_label(label)).to_be_visible()


async def test_terms_say_how_they_open_and_marks_are_read_as_obligatoire(
    page: Page, tmp_path: Path
) -> None:
    await page.goto("/inscription")
    await heading(page, "Abonnement à votre espace")
    start = page.get_by_role("heading", name="Commencer l'abonnement", exact=True)
    await expect(start).to_be_visible()
    link = page.get_by_role(
        "link", name="Lire les conditions générales (s'ouvre dans une nouvelle fenêtre)"
    )
    await expect(link).to_have_attribute("target", "_blank")
    # The box's label is the sheet's sentence; the mark after it is heard as « obligatoire ».
    box = page.get_by_role("checkbox", name=TERMS_LABEL + " (obligatoire)")
    await expect(box).to_be_visible()
    for star in await page.locator("label .required").all():
        await expect(star.locator("[aria-hidden=true]")).to_have_text("*")
        await expect(star.locator(".visually-hidden")).to_have_text("(obligatoire)")
    await expect(page.locator("h1, h2")).not_to_contain_text(["*"])
    await shot(page, "conditions", tmp_path)
    async with page.expect_popup() as popup_info:
        await link.click()
    terms = await popup_info.value
    await heading(terms, "Conditions générales")
    await expect(terms.get_by_text("Version 2026-01", exact=False)).to_be_visible()
    await shot(terms, "conditions-fenetre", tmp_path)
    await terms.close()
    # The form stayed where it was, in the first window.
    await box.check()
    await page.get_by_role("button", name="Saisir vos identifiants").click()
    await heading(page, "Créer vos identifiants")
    password = page.get_by_role("textbox", name="Votre mot de passe (obligatoire)")
    await expect(password).to_be_visible()


async def _summary_in_page_order(page: Page) -> list[str]:
    """The summary's targets, checked against the order of the fields in the page."""
    targets = [
        (await link.get_attribute("href") or "").removeprefix("#")
        for link in await page.get_by_role("alert").get_by_role("link").all()
    ]
    positions = await page.evaluate(
        """ids => ids.map(id => [...document.querySelectorAll('form [id]')]
                                 .findIndex(el => el.id === id))""",
        targets,
    )
    assert -1 not in positions, targets
    assert positions == sorted(positions), f"summary out of page order: {targets}"
    return targets


async def test_the_error_summary_lists_errors_in_the_page_order(page: Page, tmp_path: Path) -> None:
    await accept_terms(page)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Créer vos identifiants")
    targets = await _summary_in_page_order(page)
    assert targets[0] == "email"
    await fill_identifiers(page, unique_email("ordre"))
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    await page.get_by_label("Ville").fill("")
    await page.get_by_label("Numéro de téléphone professionnel").fill("")
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    targets = await _summary_in_page_order(page)
    assert targets.index("contact-phone") < targets.index("contact-city")
    # The first error of the page is the one focused.
    await expect(page.locator("#civility")).to_be_focused()
    await shot(page, "resume-des-erreurs", tmp_path)

    await page.goto("/activation")
    await page.get_by_role("button", name="Valider").click()
    await _summary_in_page_order(page)


async def test_the_breadcrumb_at_phone_width(phone: Page, tmp_path: Path) -> None:
    await accept_terms(phone)
    crumb = phone.get_by_role("navigation", name="Vous êtes ici")
    # One line: only the way back to the parent phone.
    box = await crumb.bounding_box()
    line = await crumb.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert box is not None and box["height"] < 1.5 * line, box
    await expect(crumb.get_by_role("link", name="Espace abonné")).to_be_visible()
    await shot(phone, "fil-d-ariane-telephone", tmp_path)


async def test_unknown_addresses_get_a_french_page(
    page: Page, settings: Settings, tmp_path: Path
) -> None:
    response = await page.goto("/nulle-part")
    assert response is not None and response.status == 404
    await heading(page, "Page introuvable")
    assert await page.get_attribute("html", "lang") == "fr"
    assert (await page.title()).startswith("Page introuvable")
    await expect(page.get_by_role("link", name="Retour à l'espace abonné")).to_be_visible()
    await assert_footer_channel(page, settings)
    await shot(page, "404", tmp_path)

    response = await page.goto("/connexion")  # a form's address: POST only
    assert response is not None and response.status == 405
    assert "POST" in (await response.all_headers())["allow"]
    await heading(page, "Action impossible sur cette page")
    await shot(page, "405", tmp_path)

    # The JSON API keeps problem+json, even for a browser.
    api = await page.request.get("/api/v1/nulle-part", headers={"Accept": "text/html"})
    assert api.status == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert (await api.json())["code"] == "not_found"
    # A program that does not ask for HTML gets problem+json anywhere.
    plain = await page.request.get("/nulle-part", headers={"Accept": "application/json"})
    assert plain.status == 404 and plain.headers["content-type"] == "application/problem+json"
