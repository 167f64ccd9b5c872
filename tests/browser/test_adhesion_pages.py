"""« Mes adhésions » in a real browser (Debian's Chromium driven by Playwright), against the app
on loopback, a real worker, the real letter channel and Temporal's time-skipping server, so that
60 days pass while the browser waits: an accountant adds three client companies, receives three
letters, activates two, lets one expire on the clock, and résilie one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Locator, Page, expect
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from domain.rules import format_siren
from settings import Settings
from storage.adhesions import AdhesionRepository
from tests.letters import PASSWORD, code_in, delivered, letter, letter_folder, new_subscriber
from tests.live import LiveApp, live_app
from tests.web import (
    assert_french_spacing,
    assert_plain,
    checked_shot,
    follow,
    heading,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser

CLIENTS = {
    "732829320": "ATELIERS FICTIFS DE LA PAIX",
    "123456782": "CABINET EXEMPLE CONSEIL",
    "987654324": "SOCIÉTÉ IMAGINAIRE DES ÉCLUSES",
}


@pytest.fixture
async def site(  # the time-skipping server instead of the dev server: 60 days pass at once
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[LiveApp]:
    async with live_app(time_env.client, settings, engine) as live:
        yield live


def row(page: Page, siren: str) -> Locator:
    return page.get_by_role("row").filter(has_text=format_siren(siren))


async def test_three_companies_two_active_one_expired_one_resiliee(
    page: Page, time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings, last_name="Comptable")
    assert subscriber.id is not None
    folder = letter_folder(settings)

    await sign_in(page, subscriber.email, PASSWORD)
    await page.get_by_role("main").get_by_role("link", name="Mes adhésions").click()
    await heading(page, "Mes adhésions")
    await expect(page.get_by_text("Aucune entreprise pour l'instant")).to_be_visible()
    await assert_plain(page)
    await shot(page, "30-mes-adhesions-vide")

    # « Demander une adhésion », first with a SIREN that is not one.
    await follow(page, "Demander une adhésion")
    await page.get_by_label("Numéro SIREN de l'entreprise").fill("123 456 789")
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("9 chiffres et être valide")
    await checked_shot(page, "31-demander-une-adhesion-erreur")
    for number, siren in enumerate(CLIENTS, start=1):
        if number > 1:
            await page.get_by_role("link", name="Demander une adhésion").click()
        await page.get_by_label("Numéro SIREN de l'entreprise").fill(format_siren(siren))
        if number == 1:
            await shot(page, "32-demander-une-adhesion")
        await page.get_by_role("button", name="Valider").click()
        await heading(page, "Mes adhésions")
        await expect(page.get_by_role("status")).to_contain_text("envoyé par courrier")
        await expect(row(page, siren)).to_contain_text("En attente du code")
    await checked_shot(page, "33-mes-adhesions-trois-demandes")

    adhesions = {a.siren: a for a in AdhesionRepository(engine).listed(subscriber.id)}
    codes = {siren: code_in(await letter(folder, adhesions[siren].id)) for siren in CLIENTS}
    for adhesion in adhesions.values():
        await delivered(time_env.client, adhesion)
    first, second, third = CLIENTS

    # « Activer une adhésion »: a wrong code, then the right one; the second from its row.
    await follow(page, "Activer une adhésion")
    await page.get_by_label("Numéro SIREN de l'entreprise").fill(format_siren(first))
    await page.get_by_label("Code d'adhésion (à 12 caractères)").fill(codes[first][::-1])
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("Le code d'adhésion est incorrect")
    await assert_french_spacing(page)
    await shot(page, "34-activer-une-adhesion-code-errone")
    await page.get_by_label("Code d'adhésion (à 12 caractères)").fill(codes[first])
    await page.get_by_role("button", name="Valider").click()
    await heading(page, "Mes adhésions")
    await expect(row(page, first)).to_contain_text("Active")

    await row(page, second).get_by_role("link", name="Saisir le code").click()
    await expect(page.get_by_label("Numéro SIREN de l'entreprise")).to_have_value(second)
    await page.get_by_label("Code d'adhésion (à 12 caractères)").fill(codes[second])
    await page.get_by_role("button", name="Valider").click()
    await expect(row(page, second)).to_contain_text("Active")
    await shot(page, "35-mes-adhesions-deux-actives")

    # 61 days pass: the third request's code was never typed.
    await time_env.sleep(timedelta(days=61))
    await page.reload()
    await expect(row(page, third)).to_contain_text("Expirée")
    await expect(row(page, first)).to_contain_text("Active")

    # Résilier the first one, after a confirmation page.
    await row(page, first).get_by_role("link", name="Résilier").click()
    await heading(page, "Résilier l'adhésion")
    await expect(page.get_by_role("main")).to_contain_text(CLIENTS[first])
    await assert_french_spacing(page)
    await shot(page, "36-resilier-une-adhesion")
    await page.get_by_role("button", name="Résilier l'adhésion").click()
    await heading(page, "Mes adhésions")
    await expect(page.get_by_role("status")).to_contain_text("L'adhésion est résiliée.")
    await expect(row(page, first)).to_contain_text("Résiliée")
    await expect(row(page, second)).to_contain_text("Active")
    await expect(row(page, third)).to_contain_text("Expirée")
    await checked_shot(page, "37-mes-adhesions-active-expiree-resiliee")

    # The expired code is refused with the reason, in French.
    await page.get_by_role("link", name="Activer une adhésion").click()
    await page.get_by_label("Numéro SIREN de l'entreprise").fill(third)
    await page.get_by_label("Code d'adhésion (à 12 caractères)").fill(codes[third])
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("la demande d'adhésion a expiré")


async def test_a_new_letter_and_a_withdrawn_request(
    page: Page, settings: Settings, engine: Engine
) -> None:
    subscriber = new_subscriber(engine, settings)
    assert subscriber.id is not None
    folder = letter_folder(settings)
    await sign_in(page, subscriber.email, PASSWORD)
    await page.goto("/espace/adhesions/nouvelle")
    siren = next(iter(CLIENTS))
    await page.get_by_label("Numéro SIREN de l'entreprise").fill(siren)
    await page.get_by_role("button", name="Valider").click()
    adhesion = AdhesionRepository(engine).listed(subscriber.id)[0]
    first = code_in(await letter(folder, adhesion.id))

    await row(page, siren).get_by_role("button", name="Recevoir un nouveau courrier").click()
    await expect(page.get_by_role("status")).to_contain_text("Un nouveau courrier est envoyé")
    assert code_in(await letter(folder, adhesion.id, 2)) != first
    await page.reload()
    await expect(row(page, siren)).to_contain_text("2 courriers envoyés")
    await assert_french_spacing(page)
    await shot(page, "38-nouveau-courrier")

    # The same SIREN twice is refused, in French.
    await page.get_by_role("link", name="Demander une adhésion").click()
    await page.get_by_label("Numéro SIREN de l'entreprise").fill(siren)
    await page.get_by_role("button", name="Valider").click()
    await expect(page.get_by_role("alert")).to_contain_text("déjà en cours ou active")

    await page.goto("/espace/adhesions")
    await row(page, siren).get_by_role("link", name="Retirer la demande").click()
    await heading(page, "Retirer la demande d'adhésion")
    await page.get_by_role("button", name="Retirer la demande").click()
    await expect(page.get_by_role("status")).to_contain_text("La demande d'adhésion est retirée")
    await expect(page.get_by_text("Aucune entreprise pour l'instant")).to_be_visible()
