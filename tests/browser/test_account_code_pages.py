"""« Mot de passe oublié ? » from the home page, and « Modifier mon adresse électronique » in
« Mon espace », in a real browser (Debian's Chromium driven by Playwright): each path with its
errors, and the codes read from the mail the SMTP sink received."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from devstack.mail_sink import MailSink
from tests.accounts import PASSWORD, Enrolled, notice_to
from tests.support import code_from, unique_email
from tests.web import (
    checked_shot,
    field,
    fill_answer_and_new_password,
    follow,
    heading,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Nouveau2027"
ANSWER = "tâta"


def wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


async def test_forgotten_password(page: Page, me: Enrolled, mail_sink: MailSink) -> None:
    await page.goto("/")
    await follow(page, "Mot de passe oublié ?", "Mot de passe oublié")
    await checked_shot(page, "50-mot-de-passe-oublie")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.locator("#email-error")).to_contain_text("obligatoire")

    before = mail_sink.count_to(me.email)
    await field(page, "Votre identifiant").fill(me.email)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Choisir un nouveau mot de passe")
    await expect(page.get_by_role("status")).to_contain_text(
        "Si cet identifiant correspond à un espace abonné, un courriel vient de vous être envoyé"
    )
    await expect(field(page, "Votre identifiant")).to_have_value(me.email)
    await checked_shot(page, "51-courriel-envoye")
    code = code_from(await mail_sink.message_to(me.email, before + 1))

    # A wrong code: one message, beside the code and the answer; nothing typed back.
    await field(page, "Code reçu par courriel").fill(wrong(code))
    await fill_answer_and_new_password(page, ANSWER, NEW_PASSWORD)
    await page.get_by_role("button", name="Valider").click()
    await expect(page.locator("#code-error")).to_contain_text("incorrect")
    await expect(page.locator("#trust-answer-error")).to_contain_text("incorrect")
    await expect(field(page, "Code reçu par courriel")).to_have_value("")
    await expect(field(page, "Votre nouveau mot de passe")).to_have_value("")
    html = await page.content()
    assert code[:-1] not in html and NEW_PASSWORD not in html and ANSWER not in html
    await shot(page, "52-code-incorrect")

    await field(page, "Code reçu par courriel").fill(code)
    await fill_answer_and_new_password(page, ANSWER, NEW_PASSWORD)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Votre mot de passe a été réinitialisé")
    await shot(page, "53-mot-de-passe-reinitialise")
    await notice_to(mail_sink, me.email, "mot de passe a été réinitialisé")

    await page.get_by_role("link", name="Vous identifier").click()
    await sign_in(page, me.email, NEW_PASSWORD)


async def test_an_unknown_identifier_gets_the_same_page(page: Page, mail_sink: MailSink) -> None:
    ghost = unique_email("ghost")
    await page.goto("/mot-de-passe-oublie")
    await field(page, "Votre identifiant").fill(ghost)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Choisir un nouveau mot de passe")
    await expect(page.get_by_role("status")).to_contain_text(
        "Si cet identifiant correspond à un espace abonné"
    )
    assert mail_sink.count_to(ghost) == 0


async def test_change_email(page: Page, me: Enrolled, mail_sink: MailSink) -> None:
    new = unique_email("nouvelle")
    await sign_in(page, me.email, PASSWORD)
    await follow(page, "Modifier mon adresse électronique")
    await expect(page.get_by_role("main")).to_contain_text(me.email)
    await checked_shot(page, "54-modifier-mon-adresse")

    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Réponse à votre question de confiance").fill(ANSWER)
    await field(page, "Votre nouvelle adresse électronique").fill(new)
    await field(page, "Confirmer votre nouvelle adresse électronique").fill("autre@exemple.fr")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.locator("#new-email-confirmation-error")).to_contain_text(
        "ne sont pas identiques"
    )
    await expect(field(page, "Votre nouvelle adresse électronique")).to_have_value(new)
    await expect(field(page, "Votre mot de passe")).to_have_value("")
    await shot(page, "55-adresse-erreur")

    await field(page, "Votre mot de passe").fill(PASSWORD)
    await field(page, "Réponse à votre question de confiance").fill(ANSWER)
    await field(page, "Confirmer votre nouvelle adresse électronique").fill(new)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Confirmer votre nouvelle adresse électronique")
    await expect(page.get_by_role("status")).to_contain_text(new)
    await shot(page, "56-code-envoye")
    code = code_from(await mail_sink.message_to(new))

    await field(page, "Code reçu par courriel").fill(wrong(code))
    await page.get_by_role("button", name="Valider").click()
    await expect(page.locator("#code-error")).to_contain_text("incorrect")
    await shot(page, "57-code-incorrect")

    await field(page, "Code reçu par courriel").fill(code)
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mon espace")
    await expect(page.get_by_role("status")).to_contain_text(
        "Votre adresse électronique a été modifiée"
    )
    await expect(page.get_by_role("main")).to_contain_text(new)
    await shot(page, "58-adresse-modifiee")
    await notice_to(mail_sink, me.email, "identifiant a été modifié")

    await page.get_by_role("button", name="Se déconnecter").click()
    await sign_in(page, new, PASSWORD)
