"""The site's information pages over HTTP: what the notices state comes from the settings (the
deployment's facts and the durations the code applies), every page's footer links them all."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import create_app
from tests.support import make_settings

FOOTER_LINKS = {
    "/accessibilite": "Accessibilité\u00a0: partiellement conforme",
    "/mentions-legales": "Mentions légales",
    "/donnees-personnelles": "Données personnelles",
    "/cookies": "Cookies",
    "/plan-du-site": "Plan du site",
}


async def _get(data_dir: Path, path: str, **settings: Any) -> httpx.Response:
    app = create_app(make_settings(data_dir, 1025, **settings))
    transport = httpx.ASGITransport(app=app)  # no lifespan: the pages need no service
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get(path, headers={"Accept": "text/html"})


def text_of(page: httpx.Response) -> str:
    """The page's words, tags dropped and spaces as plain spaces."""
    text = re.sub(r"<[^>]+>", " ", page.text).replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.replace("&#39;", "'").split())


# The pages a program can get without the services; the browser tests see every other page.
@pytest.mark.parametrize("path", [*FOOTER_LINKS, "/nulle-part"])
async def test_every_footer_links_the_site_information_pages(tmp_path: Path, path: str) -> None:
    page = await _get(tmp_path, path)
    footer = page.text[page.text.index('<footer class="footer">') :]
    for href, name in FOOTER_LINKS.items():
        assert f'<a href="{href}">{name}</a>' in footer, (path, name)


async def test_the_personal_data_notice_states_the_deployment_and_the_durations(
    tmp_path: Path,
) -> None:
    page = await _get(
        tmp_path,
        "/donnees-personnelles",
        legal_controller="Direction des services en ligne",
        legal_controller_address="1 rue de l'Exemple, 75001 Paris",
        legal_dpo_contact="dpd@exemple.fr",
    )
    assert page.status_code == 200
    text = text_of(page)
    assert "Direction des services en ligne, 1 rue de l'Exemple, 75001 Paris." in text
    assert "Délégué à la protection des données : dpd@exemple.fr." in text
    # SPEC §3, §6, §7 and §9's durations, as the product applies them by default.
    for fact in (
        "à la fin du délai d'activation de 48 h",
        "un code de mot de passe oublié 30 min",
        "un code de changement d'adresse électronique 24 h",
        "un code d'adhésion 60 jours",
        "au plus tard 8 h après la connexion",
        "une session terminée est effacée 30 jours après sa fin",
        "Un appareil reconnu l'est pendant 30 jours",
        "gardés 12 mois, puis effacés",
        "une fenêtre de 15 min",
        "les échecs de connexion sont oubliés après 24 h",
        "article 6, paragraphe 1, point e, du RGPD",
        "Commission nationale de l'informatique et des libertés (CNIL)",
    ):
        assert fact in text, fact


async def test_the_durations_follow_the_settings(tmp_path: Path) -> None:
    page = await _get(
        tmp_path,
        "/donnees-personnelles",
        activation_window=timedelta(hours=36),
        password_reset_window=timedelta(minutes=20),
    )
    text = text_of(page)
    assert "à la fin du délai d'activation de 36 h" in text
    assert "un code de mot de passe oublié 20 min" in text


async def test_the_accessibility_statement_follows_the_rgaa_model(tmp_path: Path) -> None:
    text = text_of(await _get(tmp_path, "/accessibilite"))
    for section in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        assert section in text, section
    assert "est partiellement conforme avec le référentiel général" in text
    assert "révèle que 98 % des critères" in text
    assert "soit 61 sur 62" in text
    assert "n'est pas un PDF balisé" in text
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in text
    assert "0 810 006 882" in text  # the feedback channel: the assistance


async def test_the_cookies_page_names_the_cookies_the_product_sets(tmp_path: Path) -> None:
    text = text_of(await _get(tmp_path, "/cookies"))
    for name in ("espace_session", "espace_appareil", "codec_pass"):
        assert name in text, name
    assert "votre consentement n'est pas demandé" in text


async def test_the_legal_notice_names_the_deployment(tmp_path: Path) -> None:
    text = text_of(
        await _get(
            tmp_path,
            "/mentions-legales",
            legal_publication_director="Camille Exemple, directrice",
            legal_host="Hébergeur Exemple, 2 rue des Serveurs, 59000 Lille",
        )
    )
    assert "Camille Exemple, directrice" in text
    assert "Hébergeur Exemple, 2 rue des Serveurs, 59000 Lille" in text
