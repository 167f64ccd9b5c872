"""Helpers for the browser tests: screenshots, the sheet's forms filled as a person would."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TERMS_LABEL = (
    "Je reconnais avoir pris connaissance des conditions générales et les accepte sans restriction."
)
# Before a high sign or inside « », a space that may break: what French typography forbids.
BREAKABLE = re.compile(r" [:;?!](?=\s|$)|« | »")


def field(page: Page, label: str) -> Locator:
    """The input labelled exactly `label`, with or without the required-field mark."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"(\s+\*)?(\s+\(obligatoire\))?$"))


async def shot(page: Page, name: str, folder: Path = SCREENSHOTS) -> Path:
    """A full-page screenshot of the screen, kept as a test artifact (Playwright makes the
    folder)."""
    path = folder / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path


async def assert_plain(page: Page) -> None:
    """No inline script or style: the pages must work under a CSP that forbids both."""
    html = await page.content()
    assert "<script" not in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)


async def assert_french_spacing(page: Page) -> None:
    text = await page.locator("body").inner_text()
    bad = [match.group() for match in BREAKABLE.finditer(text)]
    assert not bad, f"breakable spaces in French text: {bad[:5]}"


async def checked_shot(page: Page, name: str) -> Path:
    """What every screen of the product must be, plain (no inline script or style) and French in
    its spacing, checked; then its screenshot."""
    await assert_plain(page)
    await assert_french_spacing(page)
    return await shot(page, name)


async def heading(page: Page, text: str) -> None:
    await expect(page.get_by_role("heading", level=1)).to_have_text(text)


async def follow(page: Page, link: str, title: str | None = None) -> None:
    """Follow the link to the page headed `title`, the link's own words unless given."""
    await page.get_by_role("link", name=link).click()
    await heading(page, link if title is None else title)


async def submit_sign_in(page: Page, email: str, password: str) -> None:
    """The home page's sign-in form, filled and sent; what comes back is the caller's to check."""
    await page.goto("/")
    await page.get_by_label("Votre identifiant").fill(email)
    await page.get_by_label("Votre mot de passe").fill(password)
    await page.get_by_role("button", name="VALIDER").click()


async def sign_in(page: Page, email: str, password: str) -> None:
    await submit_sign_in(page, email, password)
    await heading(page, "Mon espace")


async def fits(page: Page, name: str) -> None:
    """Screenshot `name`, and the page needs no horizontal scroll (a phone's screen)."""
    overflow = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    await shot(page, name)
    assert overflow <= 0, f"{name}: {overflow}px of horizontal scroll"


async def fill_answer_and_new_password(page: Page, answer: str, new_password: str) -> None:
    """The trust answer and the new password twice: the forms that change the password."""
    await field(page, "Réponse à votre question de confiance").fill(answer)
    await field(page, "Votre nouveau mot de passe").fill(new_password)
    await field(page, "Confirmer votre nouveau mot de passe").fill(new_password)


async def accept_terms(page: Page) -> None:
    await page.goto("/")
    await follow(page, "cliquez sur ce lien pour vous inscrire", "Abonnement à votre espace")
    await page.get_by_label(TERMS_LABEL).check()
    await page.get_by_role("button", name="Saisir vos identifiants").click()
    await heading(page, "Créer vos identifiants")


async def fill_identifiers(page: Page, email: str, password: str = "Secret2026") -> None:  # noqa: S107
    await page.get_by_label("Votre identifiant (adresse e-mail)").fill(email)
    await page.get_by_label("Confirmer votre nouvelle adresse mail").fill(email)
    await field(page, "Votre mot de passe").fill(password)
    await page.get_by_label("Confirmer votre nouveau mot de passe").fill(password)


async def fill_details(page: Page, siren: str = "732 829 320") -> None:
    await page.get_by_label("Civilité").select_option("madame")
    await field(page, "Nom").fill("Rosemonde")
    await page.get_by_label("Prénom").fill("Lila")
    await page.get_by_label("SIREN ou équivalent").fill(siren)
    await page.get_by_label("Numéro de téléphone professionnel").fill("01 23 45 67 89")
    await page.get_by_label("Numéro de la voie").fill("12")
    await page.get_by_label("Nature de la voie").select_option("RUE")
    await page.get_by_label("Libellé de la voie").fill("de la Paix")
    await page.get_by_label("Complément d'adresse").fill("Bâtiment B")
    await page.get_by_label("Code postal").fill("75002")
    await page.get_by_label("Ville").fill("Paris")
    await field(page, "Question").select_option("nickname")
    await page.get_by_label("Réponse").fill("Tâta")
