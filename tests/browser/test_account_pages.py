"""« Mon espace » in a real browser (Debian's Chromium driven by Playwright): a new password,
the contact details, the sessions, closing the space — each path with its errors, at the top and
beside each field, and no secret ever typed back. The app on loopback, a real worker, the
Temporal dev server, the SMTP sink."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect
from pypdf import PdfReader
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.accounts import PASSWORD, Enrolled, notice_to, own_dev_server
from tests.browser.conftest import new_context
from tests.live import LiveApp
from tests.web import (
    checked_shot,
    field,
    fill_answer_and_new_password,
    fits,
    follow,
    heading,
    shot,
    sign_in,
    submit_sign_in,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Nouveau2027"
ANSWER = "tâta"


@pytest.fixture(scope="module")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """This module's own dev server (tests.accounts.own_dev_server): its deletions stay here."""
    async with own_dev_server(base_settings) as env:
        yield env


async def no_secret_in(page: Page, *secrets: str) -> None:
    html = await page.content()
    for secret in secrets:
        assert secret not in html


# -- « Modifier mon mot de passe » ----------------------------------------------------------------


async def test_change_password(page: Page, me: Enrolled, mail_sink: MailSink) -> None:
    await sign_in(page, me.email, PASSWORD)
    await follow(page, "Modifier mon mot de passe")
    await expect(page.get_by_role("main")).to_contain_text("Quel est votre surnom ?")
    await checked_shot(page, "30-modifier-mon-mot-de-passe")

    # A wrong answer: one message, at the top and beside both secrets; nothing typed back.
    await field(page, "Votre mot de passe actuel").fill(PASSWORD)
    await fill_answer_and_new_password(page, "mauvaise", NEW_PASSWORD)
    await page.get_by_role("button", name="Valider").click()
    message = "Mot de passe ou réponse à la question de confiance incorrect."
    await expect(page.get_by_role("alert")).to_contain_text(message)
    await expect(page.locator("#current-password-error")).to_contain_text(message)
    await expect(page.locator("#trust-answer-error")).to_contain_text(message)
    for label in ("Votre mot de passe actuel", "Votre nouveau mot de passe"):
        await expect(field(page, label)).to_have_value("")
    await no_secret_in(page, PASSWORD, NEW_PASSWORD, "mauvaise")
    await shot(page, "31-mot-de-passe-reponse-incorrecte")

    # The new password's rules, every field at once.
    await field(page, "Votre nouveau mot de passe").fill("court")
    await field(page, "Confirmer votre nouveau mot de passe").fill("autre")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("4 erreurs")
    await expect(page.locator("#new-password-error")).to_contain_text("au moins 8 caractères")
    await expect(page.locator("#new-password-confirmation-error")).to_contain_text(
        "ne sont pas identiques"
    )
    await expect(page.locator("#current-password-error")).to_contain_text("obligatoire")
    await shot(page, "32-mot-de-passe-regles")

    await field(page, "Votre mot de passe actuel").fill(PASSWORD)
    await fill_answer_and_new_password(page, ANSWER, NEW_PASSWORD)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")
    await expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")
    await shot(page, "33-mot-de-passe-modifie")
    await notice_to(mail_sink, me.email, "mot de passe a été modifié")

    # The API's session (opened at activation) has ended; the new password signs in.
    assert (await page.request.get("/espace", max_redirects=0)).status == 200
    await page.get_by_role("button", name="Se déconnecter").click()
    await sign_in(page, me.email, NEW_PASSWORD)


# -- « Mes coordonnées » --------------------------------------------------------------------------


async def test_change_contact(page: Page, me: Enrolled, mail_sink: MailSink) -> None:
    await sign_in(page, me.email, PASSWORD)
    await follow(page, "Mes coordonnées")
    await expect(page.get_by_label("Numéro de téléphone professionnel")).to_have_value(
        "01 23 45 67 89"
    )
    await expect(page.get_by_label("Ville")).to_have_value("Paris")
    await checked_shot(page, "34-mes-coordonnees")

    await page.get_by_label("Code postal").fill("6900")
    await page.get_by_label("Ville").fill("Lyon")
    await page.get_by_label("Numéro de téléphone professionnel").fill("12")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("2 erreurs")
    await expect(page.locator("#contact-postal-code-error")).to_contain_text("code postal")
    await expect(page.locator("#contact-phone-error")).to_contain_text("téléphone")
    await expect(page.get_by_label("Ville")).to_have_value("Lyon")  # what was typed stays
    await shot(page, "35-coordonnees-erreurs")

    await page.get_by_label("Code postal").fill("69002")
    await page.get_by_label("Numéro de téléphone professionnel").fill("04 72 00 00 00")
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")
    await expect(page.get_by_role("status")).to_contain_text("Vos coordonnées ont été modifiées")
    await expect(page.get_by_role("main")).to_contain_text("Lyon")
    await shot(page, "36-coordonnees-modifiees")
    href = await page.get_by_role(
        "link", name="Visualiser votre formulaire d'inscription"
    ).get_attribute("href")
    pdf = await page.request.get(href or "")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(await pdf.body())).pages)
    assert "Lyon" in text and "69002" in text and "Dernière modification" in text
    await notice_to(mail_sink, me.email, "coordonnées ont été modifiées")


# -- sessions -------------------------------------------------------------------------------------


async def test_sessions(browser: Browser, site: LiveApp, page: Page, me: Enrolled) -> None:
    other = await new_context(
        browser, site, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    )
    other_page = await other.new_page()
    await sign_in(other_page, me.email, PASSWORD)
    await sign_in(page, me.email, PASSWORD)

    await follow(page, "Mes sessions")
    main = page.get_by_role("main")
    sessions = main.locator("section.card[aria-labelledby^='session-']")  # not the devices'
    await expect(sessions).to_have_count(3)  # activation, Firefox, this one
    await expect(main).to_contain_text("(cette session)")
    await expect(main).to_contain_text("Firefox")
    await expect(main).to_contain_text("Dernière utilisation")
    await checked_shot(page, "37-mes-sessions")

    firefox = sessions.filter(has_text="Firefox/140.0")
    await firefox.get_by_role("button", name="Fermer cette session").click()
    await expect(page.get_by_role("status")).to_contain_text("La session a été fermée.")
    await expect(sessions).to_have_count(2)
    await other_page.goto("/espace")
    await heading(other_page, "Espace abonné")  # signed out there

    await page.get_by_role("button", name="Fermer toutes les autres sessions").click()
    await expect(page.get_by_role("status")).to_contain_text("Vos autres sessions ont été fermées.")
    await expect(sessions).to_have_count(1)
    await shot(page, "38-autres-sessions-fermees")
    await other.close()

    await page.get_by_role("button", name="Me déconnecter").click()
    await heading(page, "Espace abonné")


# -- « Fermer mon espace » ------------------------------------------------------------------------


async def test_close_space(page: Page, me: Enrolled, mail_sink: MailSink) -> None:
    await sign_in(page, me.email, PASSWORD)
    await follow(page, "Fermer mon espace")
    await checked_shot(page, "39-fermer-mon-espace")

    await page.get_by_role("button", name="Fermer mon espace").click()
    await expect(page.get_by_role("alert")).to_contain_text("2 erreurs")
    await field(page, "Votre mot de passe").fill("Mauvais2026")
    await field(page, "Réponse à votre question de confiance").fill(ANSWER)
    await page.get_by_role("button", name="Fermer mon espace").click()
    await expect(page.locator("#password-error")).to_contain_text("incorrect")
    await expect(field(page, "Réponse à votre question de confiance")).to_have_value("")
    await shot(page, "40-fermer-erreur")

    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Réponse à votre question de confiance").fill(ANSWER)
    await page.get_by_role("button", name="Fermer mon espace").click()
    await heading(page, "Votre espace est fermé")
    await shot(page, "41-espace-ferme")
    await notice_to(mail_sink, me.email, "votre espace a été fermé")

    await submit_sign_in(page, me.email, PASSWORD)
    await expect(page.get_by_role("alert")).to_contain_text(
        "Identifiant ou mot de passe incorrect."
    )


async def test_pages_fit_a_phone(phone: Page, me: Enrolled) -> None:
    for path, name in (
        ("/mot-de-passe-oublie", "mot-de-passe-oublie"),
        ("/mot-de-passe-oublie/nouveau-mot-de-passe", "nouveau-mot-de-passe"),
    ):
        await phone.goto(path)
        await fits(phone, f"42-telephone-{name}")
    await sign_in(phone, me.email, PASSWORD)
    await fits(phone, "42-telephone-mon-espace")
    for path, name in (
        ("/espace/mot-de-passe", "mot-de-passe"),
        ("/espace/adresse-electronique", "adresse-electronique"),
        ("/espace/coordonnees", "coordonnees"),
        ("/espace/fermer", "fermer"),
    ):
        await phone.goto(path)
        if name == "coordonnees":
            await phone.get_by_label("Ville").fill("")  # the form comes filled in
        await phone.get_by_role(
            "button", name=re.compile("Valider|Fermer mon espace")
        ).first.click()
        await expect(phone.get_by_role("alert")).to_be_visible()  # every error shown
        await fits(phone, f"42-telephone-{name}")
    await phone.goto("/espace/sessions")
    await fits(phone, "42-telephone-sessions")
