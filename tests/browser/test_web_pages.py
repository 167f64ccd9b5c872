"""The web pages in a real browser (Debian's Chromium driven by Playwright) against the app on
loopback, a real worker, the Temporal dev server and the SMTP sink: the sheet, click by click."""

from __future__ import annotations

import io
import re

import pytest
from playwright.async_api import BrowserContext, Page, expect
from pypdf import PdfReader
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.activation_steps import ACTIVATION_STEPS, PAGE_STEPS
from domain.models import EnrollmentStatus
from security.keyed_hash import KeyedHasher
from settings import Settings
from tests.support import code_from, unique_email
from tests.web import (
    TERMS_LABEL,
    accept_terms,
    assert_plain,
    field,
    fill_details,
    fill_identifiers,
    fits,
    follow,
    heading,
    shot,
    submit_sign_in,
)
from workflows.enrollment import EnrollmentWorkflow

pytestmark = pytest.mark.browser


async def test_the_sheet_click_by_click(page: Page, mail_sink: MailSink) -> None:
    email = unique_email("rosemonde")

    # Pré-inscription
    await page.goto("/")
    await heading(page, "Espace abonné")
    await assert_plain(page)
    await shot(page, "01-espace-abonne")
    await follow(page, "cliquez sur ce lien pour vous inscrire", "Abonnement à votre espace")
    async with page.expect_popup() as terms_info:
        await page.get_by_role("link", name="Lire les conditions générales").click()
    terms = await terms_info.value
    await expect(terms.get_by_text("Version 2026-01", exact=False)).to_be_visible()
    await terms.close()
    await page.get_by_label(TERMS_LABEL).check()
    await assert_plain(page)
    await shot(page, "02-abonnement-conditions-generales")
    await page.get_by_role("button", name="Saisir vos identifiants").click()

    await heading(page, "Créer vos identifiants")
    await expect(
        page.get_by_text(
            "(8 caractères minimum et 20 caractères maximum. Les chiffres et les lettres sont "
            "autorisés)"
        )
    ).to_be_visible()
    await fill_identifiers(page, email)
    await assert_plain(page)
    await shot(page, "03-creer-vos-identifiants")
    await page.get_by_role("button", name="Valider").click()

    await heading(page, "Votre inscription")
    for section in ("Usager", "Entreprise d'appartenance", "Contact", "Questions de confiance"):
        await expect(page.get_by_role("group", name=section)).to_be_visible()
    await expect(page.get_by_label("Adresse mèl professionnelle")).to_have_value(email)
    await expect(page.get_by_label("Adresse mèl professionnelle")).not_to_be_editable()
    await fill_details(page)
    await assert_plain(page)
    await shot(page, "04-votre-inscription")
    await page.get_by_role("button", name="Valider").click()

    await expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    recap = page.get_by_role("main")
    for value in (
        "Madame",
        "Rosemonde",
        "Lila",
        "non",
        "732 829 320",
        "ATELIERS FICTIFS DE LA PAIX",
        "01 23 45 67 89",
        email,
        "Rue",
        "de la Paix",
        "Bâtiment B",
        "75002",
        "Paris",
        "FRANCE",
        "Quel est votre surnom ?",
    ):
        await expect(recap).to_contain_text(value)
    await expect(recap).to_contain_text("Raison sociale")
    await expect(recap).to_contain_text(
        "Si la raison sociale affichée est erronée, veuillez prendre contact avec votre Service "
        "des Impôts des Entreprises."
    )
    await expect(recap).not_to_contain_text("Tâta")
    await expect(page.get_by_role("link", name="Étape précédente")).to_be_visible()
    await shot(page, "05-recapitulatif")
    await page.get_by_role("button", name="Confirmer").click()

    await heading(page, "Vos identifiants d'authentification")
    main = page.get_by_role("main")
    await expect(main).to_contain_text("Madame ROSEMONDE Lila")
    await expect(main).to_contain_text(
        "Vous disposez d'un délai de 48 h pour activer votre compte à compter de l'envoi de ce "
        "message."
    )
    await expect(main.locator("ol.steps--numbered li")).to_have_count(4)
    # The page and the e-mail name the same places (mail.activation holds them once).
    await expect(main.locator("ol.steps--numbered li")).to_have_text(list(PAGE_STEPS))
    await expect(page.get_by_role("button", name="Quitter")).to_be_visible()
    await shot(page, "06-courriel-envoye")
    message = await mail_sink.message_to(email)
    code = code_from(message)
    mail_text = " ".join(str(message.get_content()).split())
    for step in ACTIVATION_STEPS:
        assert " ".join(step.split()) in mail_text
    assert "contactez l'assistance aux usagers des téléprocédures" in mail_text
    assert "0 810 006 882" in mail_text
    await page.get_by_role("link", name="OK", exact=True).click()

    # Activation
    await heading(page, "Espace abonné")
    await follow(page, "cliquez sur ce lien pour l'activer", "Activer votre compte fiscal")
    await expect(page.get_by_text("Saisie du code d'activation")).to_be_visible()
    await page.get_by_label("Saisissez votre identifiant").fill(email)
    await page.get_by_label("Entrez le code (à 12 caractères)").fill(code)
    await assert_plain(page)
    await shot(page, "07-activer-votre-compte")
    await page.get_by_role("button", name="Valider").click()

    await heading(page, "Votre espace abonné est créé")
    number = await page.locator(".subscriber-number strong").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", number)
    await expect(page.get_by_role("main")).to_contain_text(
        "Vous devez sauvegarder et imprimer les informations récapitulatives"
    )
    await expect(page.get_by_role("main")).to_contain_text(
        "Vous pouvez dès maintenant accéder à votre espace pour effectuer autant de demandes "
        "d'adhésion que d'entreprises que vous avez dans votre portefeuille clients afin de "
        "bénéficier de l'ensemble des services offerts pour chacune de celles-ci."
    )
    await expect(page.get_by_role("link", name="Demander une adhésion")).to_have_attribute(
        "href", "/espace/adhesions/nouvelle"
    )
    await shot(page, "08-espace-cree")

    # Impression des informations récapitulatives
    link = page.get_by_role("link", name="Visualiser votre formulaire d'inscription")
    async with page.expect_popup() as popup_info:
        await link.click()
    popup = await popup_info.value
    await popup.close()
    href = await link.get_attribute("href")
    assert href
    pdf = await page.request.get(href)  # the browser's cookies: its signed-in session
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(await pdf.body())).pages)
    assert number in text and "Nom Rosemonde" in text and "ATELIERS FICTIFS DE LA PAIX" in text

    # Signed in with the new identifiers
    await follow(page, "Accéder à votre espace", "Mon espace")
    await page.get_by_role("button", name="Se déconnecter").click()
    await heading(page, "Espace abonné")
    denied = await page.request.get(href, max_redirects=0)
    assert denied.status == 303  # signed out: no recap any more
    await page.get_by_label("Votre identifiant").fill(email.upper())
    await page.get_by_label("Votre mot de passe").fill("Secret2026")
    await page.get_by_role("button", name="VALIDER").click()
    await heading(page, "Mon espace")
    main = page.get_by_role("main")
    await expect(main).to_contain_text(number)
    await expect(main).to_contain_text("ATELIERS FICTIFS DE LA PAIX")
    await expect(main).to_contain_text("Quel est votre surnom ?")
    await assert_plain(page)
    await shot(page, "09-mon-espace")


async def test_cookie_is_httponly_lax_and_posts_need_the_csrf_token(
    page: Page, context: BrowserContext
) -> None:
    await page.goto("/inscription")
    [cookie] = await context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["secure"]
    forms: list[dict[str, str | float | bool]] = [
        {},
        {"csrf_token": "forged", "terms_accepted": "on"},
    ]
    for form in forms:
        refused = await page.request.post("/inscription", form=form)
        assert refused.status == 403
        assert "Demande refusée" in await refused.text()
    # Another site cannot read the token; a browser without the cookie has none to send.
    bare = await context.browser.new_context(base_url=page.url)  # type: ignore[union-attr]
    token = await page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = await bare.request.post(
        "/inscription", form={"csrf_token": token or "", "terms_accepted": "on"}
    )
    assert refused.status == 403
    await bare.close()


async def test_unticked_terms_are_refused(page: Page) -> None:
    await page.goto("/inscription")
    await page.get_by_role("button", name="Saisir vos identifiants").click()
    await heading(page, "Abonnement à votre espace")
    message = "Vous devez accepter les conditions générales pour continuer."
    await expect(page.get_by_role("alert")).to_contain_text(message)
    box = page.get_by_label(TERMS_LABEL)
    await expect(box).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#terms-accepted-error")).to_contain_text(message)
    assert "terms-accepted-error" in (await box.get_attribute("aria-describedby") or "")
    await shot(page, "10-erreur-conditions-non-acceptees")
    # Skipping the terms page by its address leads back to it.
    await page.goto("/inscription/identifiants")
    await heading(page, "Abonnement à votre espace")


async def test_bad_password_is_shown_next_to_its_field_and_never_echoed(page: Page) -> None:
    email = unique_email()
    await accept_terms(page)
    await fill_identifiers(page, email, "court")
    await page.get_by_label("Confirmer votre nouveau mot de passe").fill("autre1234")
    await page.get_by_role("button", name="Valider").click()

    await heading(page, "Créer vos identifiants")
    assert (await page.title()).startswith("Erreur\u00a0: ")
    password = field(page, "Votre mot de passe")
    await expect(password).to_have_attribute("aria-invalid", "true")
    await expect(password).to_have_value("")
    await expect(page.locator("#password-error")).to_have_text(
        "Erreur : Le mot de passe doit comporter au moins 8 caractères."
    )
    await expect(page.locator("#password-confirmation-error")).to_contain_text(
        "Les deux mots de passe ne sont pas identiques."
    )
    described = await password.get_attribute("aria-describedby") or ""
    assert "password-error" in described and "password-hint" in described
    await expect(page.get_by_label("Votre identifiant (adresse e-mail)")).to_have_value(email)
    await expect(page.get_by_role("alert")).to_contain_text("2 erreurs")
    assert "court" not in await page.content()
    await shot(page, "11-erreur-mot-de-passe")

    # A wrong password at sign-in: one message, the identifier kept, the password not.
    await submit_sign_in(page, email, "Mauvais123")
    await expect(page.get_by_role("alert")).to_contain_text(
        "Identifiant ou mot de passe incorrect."
    )
    await expect(page.get_by_label("Votre identifiant")).to_have_value(email)
    await expect(page.get_by_label("Votre mot de passe")).to_have_value("")
    await shot(page, "12-erreur-connexion")


async def test_bad_siren_keeps_what_was_typed(page: Page) -> None:
    await accept_terms(page)
    await fill_identifiers(page, unique_email())
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    await fill_details(page, siren="123 456 788")
    await page.get_by_label("Ville").fill("")
    await page.get_by_role("button", name="Valider").click()

    await heading(page, "Votre inscription")
    siren = page.get_by_label("SIREN ou équivalent")
    await expect(siren).to_have_attribute("aria-invalid", "true")
    await expect(siren).to_have_value("123 456 788")
    await expect(page.locator("#company-identifier-error")).to_contain_text(
        "Le numéro SIREN doit comporter 9 chiffres et être valide."
    )
    await expect(page.locator("#contact-city-error")).to_contain_text("Ce champ est obligatoire.")
    await expect(field(page, "Nom")).to_have_value("Rosemonde")
    await expect(page.get_by_label("Nature de la voie")).to_have_value("RUE")
    await expect(page.get_by_label("Complément d'adresse")).to_have_value("Bâtiment B")
    await expect(page.get_by_label("Réponse")).to_have_value("")  # a secret is never echoed
    # The summary's links lead to the fields.
    await page.get_by_role("alert").get_by_role("link").first.click()
    await expect(siren).to_be_focused()
    await shot(page, "13-erreur-siren")


async def test_previous_step_keeps_what_was_typed(
    page: Page, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    first, second = unique_email("avant"), unique_email("apres")
    await accept_terms(page)
    await fill_identifiers(page, first)
    await page.get_by_role("button", name="Valider").click()
    await fill_details(page)
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("button", name="Confirmer")).to_be_visible()

    # Recap → « Étape précédente » → the details, as typed.
    await follow(page, "Étape précédente", "Votre inscription")
    await expect(field(page, "Nom")).to_have_value("Rosemonde")
    await expect(page.get_by_label("SIREN ou équivalent")).to_have_value("732 829 320")
    await expect(page.get_by_label("Numéro de téléphone professionnel")).to_have_value(
        "01 23 45 67 89"
    )
    await expect(field(page, "Question")).to_have_value("nickname")
    await page.get_by_label("Ville").fill("Lyon")  # changed, then back a step: kept
    await page.get_by_label("Code postal").fill("69002")

    # Details → « Étape précédente » → the identifiers; a new e-mail carries the details over.
    await page.get_by_role("button", name="Étape précédente").click()
    await heading(page, "Créer vos identifiants")
    await expect(page.get_by_label("Votre identifiant (adresse e-mail)")).to_have_value(first)
    await fill_identifiers(page, second)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    await expect(page.get_by_label("Adresse mèl professionnelle")).to_have_value(second)
    await expect(page.get_by_label("Prénom")).to_have_value("Lila")
    await expect(page.get_by_label("Ville")).to_have_value("Lyon")
    await shot(page, "14-etape-precedente")
    # The answer was kept too: left blank, the same question validates.
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("button", name="Confirmer")).to_be_visible()
    await expect(page.get_by_role("main")).to_contain_text(second)

    keyed = KeyedHasher(settings.identifier_hash_key)
    old = dev_env.client.get_workflow_handle(keyed.workflow_id(first))
    assert await old.query(EnrollmentWorkflow.status) is EnrollmentStatus.ABANDONED


async def test_quit_abandons_the_draft(
    page: Page, dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    email = unique_email("quitter")
    await accept_terms(page)
    await fill_identifiers(page, email)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre inscription")
    await page.get_by_role("button", name="Étape précédente").click()
    await heading(page, "Créer vos identifiants")
    await page.get_by_role("button", name="Quitter").click()

    await heading(page, "Espace abonné")
    handle = dev_env.client.get_workflow_handle(
        KeyedHasher(settings.identifier_hash_key).workflow_id(email)
    )
    assert await handle.query(EnrollmentWorkflow.status) is EnrollmentStatus.ABANDONED
    await page.goto("/inscription/informations")  # nothing left to edit
    await heading(page, "Abonnement à votre espace")


async def test_keyboard_only(page: Page) -> None:
    await page.goto("/")
    await page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    await expect(skip).to_be_focused()
    await page.goto("/inscription")
    box = page.get_by_label(TERMS_LABEL)
    for _ in range(30):
        await page.keyboard.press("Tab")
        if await box.evaluate("el => el === document.activeElement"):
            break
    await page.keyboard.press("Space")
    await expect(box).to_be_checked()
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Saisir vos identifiants")).to_be_focused()
    await page.keyboard.press("Enter")
    await heading(page, "Créer vos identifiants")


async def test_pages_fit_a_phone(phone: Page) -> None:
    await accept_terms(phone)
    await phone.get_by_role("button", name="Valider").click()  # every error shown
    screens = [("/", "accueil"), ("/activation", "activation")]
    for path, name in screens:
        await phone.goto(path)
        await fits(phone, f"20-telephone-{name}")
    await phone.goto("/inscription")
    await fits(phone, "20-telephone-conditions")
    await phone.goto("/inscription/conditions-generales")
    await fits(phone, "20-telephone-conditions-lues")
    await phone.goto("/inscription/identifiants")
    await phone.get_by_role("button", name="Valider").click()
    await fits(phone, "20-telephone-identifiants-erreurs")
    await fill_identifiers(phone, unique_email())
    await phone.get_by_role("button", name="Valider").click()
    await heading(phone, "Votre inscription")
    await fits(phone, "20-telephone-votre-inscription")
    await fill_details(phone)
    await phone.get_by_role("button", name="Valider").click()
    await expect(phone.get_by_role("button", name="Confirmer")).to_be_visible()
    await fits(phone, "20-telephone-recapitulatif")
