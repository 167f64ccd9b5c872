"""« Vous avez reçu une invitation ? » in a real browser (Debian's Chromium driven by Playwright)
against the app on loopback, a real worker, the Temporal dev server and the SMTP sink: a service
invites over the API with its key; the person creates the space in five screens."""

from __future__ import annotations

import io
import re

import pytest
from playwright.async_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import Engine

from devstack.mail_sink import MailSink
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.a11y import assert_accessible
from tests.browser.conftest import PHONE
from tests.invitations import invitation_body, invitation_code, service_client
from tests.live import LiveApp
from tests.support import unique_email
from tests.web import TERMS_LABEL, assert_plain, checked_shot, field, follow, heading, shot
from tests.workflow_env import wrong_code

pytestmark = pytest.mark.browser

PASSWORD = "Espace2026ok"


async def test_an_invited_person_creates_the_space_in_five_screens(
    page: Page, site: LiveApp, mail_sink: MailSink, engine: Engine, settings: Settings
) -> None:
    client = service_client(engine, settings, name="Logiciel Compta Plus")
    email = unique_email("invitee")
    invited = await site.http.post(
        "/api/v1/invitations", json=invitation_body(email, "crm-browser"), headers=client.auth
    )
    assert invited.status_code == 201, invited.text
    code = await invitation_code(mail_sink, email)

    # 1. The identifier and the code.
    await page.goto("/")
    await follow(page, "Vous avez reçu une invitation ?")
    await page.get_by_label("Saisissez votre identifiant").fill(email)
    await page.get_by_label("Entrez le code (à 12 caractères)").fill(wrong_code(code))
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("code d'invitation incorrect")
    await expect(page.get_by_label("Saisissez votre identifiant")).to_have_value(email)
    await assert_accessible(page, PHONE)
    await page.get_by_label("Entrez le code (à 12 caractères)").fill(code)
    await checked_shot(page, "invitation-1-code")
    await page.get_by_role("button", name="Valider").click()

    # 2. The terms.
    await heading(page, "Abonnement à votre espace")
    await expect(page.get_by_role("main")).to_contain_text("Logiciel Compta Plus")
    await page.get_by_role("button", name="Continuer").click()
    await expect(page.get_by_role("alert")).to_contain_text("accepter les conditions générales")
    await assert_accessible(page, PHONE)
    await page.get_by_label(TERMS_LABEL).check()
    await checked_shot(page, "invitation-2-conditions")
    await page.get_by_role("button", name="Continuer").click()

    # 3. The password twice, the trust question and answer.
    await heading(page, "Choisir votre mot de passe")
    await expect(page.get_by_role("main")).to_contain_text(email)
    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Confirmer votre nouveau mot de passe").fill("Autre2026ok")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("ne sont pas identiques")
    await expect(field(page, "Votre mot de passe")).to_have_value("")  # never shown back
    await assert_accessible(page, PHONE)
    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Confirmer votre nouveau mot de passe").fill(PASSWORD)
    await page.get_by_label("Question").select_option("nickname")
    await field(page, "Réponse").fill("Tâta")
    # The trust questions' labels (domain.reference) are as the sheet prints them.
    await assert_plain(page)
    await shot(page, "invitation-3-mot-de-passe")
    await page.get_by_role("button", name="Valider").click()

    # 4. The recap: what the service sent, the contact corrected under the §2 rules.
    await heading(page, "Votre inscription")
    main = page.get_by_role("main")
    for value in ("Madame", "Rosemonde", "Lila", "732 829 320", "Quel est votre surnom ?"):
        await expect(main).to_contain_text(value)
    await expect(main).not_to_contain_text("Tâta")
    await expect(field(page, "Numéro de téléphone professionnel")).to_have_value(
        re.compile(r"01 ?23 ?45 ?67 ?89")
    )
    await field(page, "Code postal").fill("6900")
    await field(page, "Ville").fill("Lyon")
    await page.get_by_role("button", name="Confirmer").click()
    await expect(page.get_by_role("alert")).to_contain_text("Le code postal n'est pas valide")
    await expect(field(page, "Ville")).to_have_value("Lyon")  # kept for the correction
    await assert_accessible(page, PHONE)
    await field(page, "Code postal").fill("69001")
    await assert_plain(page)
    await shot(page, "invitation-4-recapitulatif")
    await page.get_by_role("button", name="Confirmer").click()

    # 5. « Votre espace abonné est créé », with the recap PDF.
    await heading(page, "Votre espace abonné est créé")
    number = await page.locator(".subscriber-number strong").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", number)
    await checked_shot(page, "invitation-5-espace-cree")
    await assert_accessible(page, PHONE)
    # The browser that proved the address is recognised, as after an activation (SPEC §9).
    assert "espace_appareil" in {c["name"] for c in await page.context.cookies()}
    link = page.get_by_role("link", name="Visualiser votre formulaire d'inscription")
    href = await link.get_attribute("href")
    assert href
    pdf = await page.request.get(href)  # the browser's cookies: its signed-in session
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(await pdf.body())).pages)
    assert number in text and "Nom Rosemonde" in text and "Lyon" in text
    stored = SubscriberRepository(engine).by_email(email)
    assert stored is not None and stored.postal_code == "69001"

    # The invitation's code served once: going back to the first screen opens nothing.
    await page.goto("/invitation")
    await page.get_by_label("Saisissez votre identifiant").fill(email)
    await page.get_by_label("Entrez le code (à 12 caractères)").fill(code)
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("code d'invitation incorrect")
