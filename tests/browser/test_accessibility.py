"""The accessibility audit, kept: axe-core (WCAG 2.1 A and AA) on every state of every page of
every process — empty, in error, done — at a desktop's and a phone's width, the text at 200 %
without loss; a keyboard-only walk of the whole enrollment and of « Mon espace ». Debian's
Chromium against the app on loopback, a real worker, a Temporal dev server, the SMTP sink and the
letter folder. docs/accessibility.md says what is checked here and what was checked by hand.

A new page is one line of STATES: its name, the heading it shows, and how the walk gets there
from the state before."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from dataclasses import field as attribute
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from settings import Settings
from tests.a11y import axe_violations, tab_cycle, tab_to, text_losses
from tests.accounts import own_dev_server
from tests.browser.conftest import DESKTOP, PHONE, new_context
from tests.letters import code_in, letter, letter_folder
from tests.live import LiveApp
from tests.support import code_from, unique_email
from tests.web import BREAKABLE, TERMS_LABEL, field, fill_details, fill_identifiers, heading, shot

pytestmark = pytest.mark.browser

PASSWORD = "Secret2026"  # tests.web.fill_identifiers's
NEW_PASSWORD = "Nouveau2027"
ANSWER = "Tâta"  # tests.web.fill_details's
SIREN = "732 829 320"  # in the embedded company registry
NARROWEST = 320  # CSS pixels: the RGAA's reflow width (10.11)
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "accessibilite"


@pytest.fixture(scope="module")
async def dev_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """This module's own dev server (tests.accounts.own_dev_server): the walk closes its space."""
    async with own_dev_server(base_settings) as env:
        yield env


@dataclass
class Walk:
    """The browser's page and what the walk has learnt on its way."""

    page: Page
    mail_sink: MailSink
    settings: Settings
    email: str = attribute(default_factory=lambda: unique_email("audit"))
    password: str = PASSWORD
    adhesion_id: str = ""
    mails_before: int = 0


Step = Callable[[Walk], Awaitable[object]]


@dataclass(frozen=True)
class State:
    name: str
    heading: str
    reach: Step


def goto(path: str) -> Step:
    return lambda walk: walk.page.goto(path)


def press(button: str) -> Step:
    return lambda walk: walk.page.get_by_role("button", name=button, exact=True).click()


def steps(*all_steps: Step) -> Step:
    async def run(walk: Walk) -> None:
        for step in all_steps:
            await step(walk)

    return run


def fill(label: str, value: Callable[[Walk], str] | str) -> Step:
    async def run(walk: Walk) -> None:
        await field(walk.page, label).fill(value(walk) if callable(value) else value)

    return run


async def accept_terms(walk: Walk) -> None:
    await walk.page.goto("/inscription")
    await walk.page.get_by_label(TERMS_LABEL).check()
    await press("Saisir vos identifiants")(walk)


async def identifiers(walk: Walk) -> None:
    await fill_identifiers(walk.page, walk.email, PASSWORD)
    await press("Valider")(walk)


async def details_with_errors(walk: Walk) -> None:
    await fill_details(walk.page, siren="123")
    await walk.page.get_by_label("Ville").fill("")
    await press("Valider")(walk)


async def details(walk: Walk) -> None:
    await fill_details(walk.page, SIREN)
    await press("Valider")(walk)


async def activate(walk: Walk) -> None:
    code = code_from(await walk.mail_sink.message_to(walk.email))
    await walk.page.goto("/activation")
    await field(walk.page, "Saisissez votre identifiant").fill(walk.email)
    await field(walk.page, "Entrez le code (à 12 caractères)").fill(code)
    await press("Valider")(walk)


async def reset_code_sent(walk: Walk) -> None:
    walk.mails_before = len(walk.mail_sink.messages_to(walk.email))
    await walk.page.goto("/mot-de-passe-oublie")
    await field(walk.page, "Votre identifiant").fill(walk.email)
    await press("Valider")(walk)


async def reset_password(walk: Walk) -> None:
    code = code_from(await walk.mail_sink.message_to(walk.email, walk.mails_before + 1))
    await field(walk.page, "Code reçu par courriel").fill(code)
    await field(walk.page, "Réponse à votre question de confiance").fill(ANSWER)
    await field(walk.page, "Votre nouveau mot de passe").fill(NEW_PASSWORD)
    await field(walk.page, "Confirmer votre nouveau mot de passe").fill(NEW_PASSWORD)
    await press("Valider")(walk)
    walk.password = NEW_PASSWORD


async def sign_in(walk: Walk) -> None:
    await walk.page.goto("/")
    await walk.page.get_by_label("Votre identifiant").fill(walk.email)
    await walk.page.get_by_label("Votre mot de passe").fill(walk.password)
    await press("VALIDER")(walk)


async def wrong_password(walk: Walk) -> None:
    await walk.page.goto("/")
    await walk.page.get_by_label("Votre identifiant").fill(walk.email)
    await walk.page.get_by_label("Votre mot de passe").fill("Mauvais2026")
    await press("VALIDER")(walk)


def new_email(walk: Walk) -> str:
    return "nouvelle-" + walk.email


def secrets(*more: Step) -> Step:
    """The password and the trust answer, then what the form asks besides."""
    return steps(
        fill("Votre mot de passe", lambda walk: walk.password),
        fill("Réponse à votre question de confiance", ANSWER),
        *more,
    )


async def adhesion_requested(walk: Walk) -> None:
    await field(walk.page, "Numéro SIREN de l'entreprise").fill(SIREN)
    await press("Valider")(walk)
    end = walk.page.get_by_role("link", name=re.compile("^Retirer la demande"))
    href = await end.get_attribute("href") or ""
    walk.adhesion_id = href.split("/")[-2]


async def adhesion_activated(walk: Walk) -> None:
    text = await letter(letter_folder(walk.settings), walk.adhesion_id)
    await walk.page.goto("/espace/adhesions/activer")
    await field(walk.page, "Numéro SIREN de l'entreprise").fill(SIREN)
    await field(walk.page, "Code d'adhésion (à 12 caractères)").fill(code_in(text))
    await press("Valider")(walk)


async def forged_post(walk: Walk) -> None:
    """A form sent with another CSRF token than the cookie's: the 403 page."""
    await walk.page.goto("/espace/coordonnees")
    await walk.page.evaluate("() => { document.querySelector('[name=csrf_token]').value = 'x'; }")
    await press("Valider")(walk)


SPACE = "Mon espace"
# Every page state of every process, in the order a person meets them; each is reached from the
# one before it.
STATES: tuple[State, ...] = (
    # Enrollment
    State("accueil", "Espace abonné", goto("/")),
    State("accueil-erreur", "Espace abonné", press("VALIDER")),
    State("abonnement", "Abonnement à votre espace", goto("/inscription")),
    State("abonnement-erreur", "Abonnement à votre espace", press("Saisir vos identifiants")),
    State(
        "conditions-generales", "Conditions générales", goto("/inscription/conditions-generales")
    ),
    State("identifiants", "Créer vos identifiants", accept_terms),
    State("identifiants-erreurs", "Créer vos identifiants", press("Valider")),
    State("informations", "Votre inscription", identifiers),
    State("informations-erreurs", "Votre inscription", details_with_errors),
    State("recapitulatif", "Votre inscription", details),
    State("courriel-envoye", "Vos identifiants d'authentification", press("Confirmer")),
    # An invitation's first screen (tests/browser/test_invitation_pages.py walks the rest)
    State("invitation", "Vous avez reçu une invitation\u202f?", goto("/invitation")),
    State("invitation-erreurs", "Vous avez reçu une invitation\u202f?", press("Valider")),
    # Activation
    State("activation", "Activer votre compte fiscal", goto("/activation")),
    State("activation-erreurs", "Activer votre compte fiscal", press("Valider")),
    State(
        "nouveau-code", "Demander un nouveau code d'activation", goto("/activation/nouveau-code")
    ),
    State(
        "nouveau-code-erreur",
        "Demander un nouveau code d'activation",
        press("Envoyer un nouveau code"),
    ),
    State("espace-cree", "Votre espace abonné est créé", activate),
    State("deconnecte", "Espace abonné", steps(goto("/espace"), press("Se déconnecter"))),
    # Forgotten password
    State("mot-de-passe-oublie", "Mot de passe oublié", goto("/mot-de-passe-oublie")),
    State("mot-de-passe-oublie-erreur", "Mot de passe oublié", press("Valider")),
    State("code-envoye", "Choisir un nouveau mot de passe", reset_code_sent),
    State("nouveau-mot-de-passe-erreurs", "Choisir un nouveau mot de passe", press("Valider")),
    State("mot-de-passe-reinitialise", "Votre mot de passe a été réinitialisé", reset_password),
    # Sign-in and « Mon espace »
    State("connexion-refusee", "Espace abonné", wrong_password),
    State("mon-espace", SPACE, sign_in),
    State("mot-de-passe", "Modifier mon mot de passe", goto("/espace/mot-de-passe")),
    State("mot-de-passe-erreurs", "Modifier mon mot de passe", press("Valider")),
    State("mot-de-passe-modifie", SPACE, goto("/espace?modification=mot-de-passe")),
    State("adresse", "Modifier mon adresse électronique", goto("/espace/adresse-electronique")),
    State("adresse-erreurs", "Modifier mon adresse électronique", press("Valider")),
    State(
        "adresse-code",
        "Confirmer votre nouvelle adresse électronique",
        secrets(
            fill("Votre nouvelle adresse électronique", new_email),
            fill("Confirmer votre nouvelle adresse électronique", new_email),
            press("Valider"),
        ),
    ),
    State("adresse-code-erreur", "Confirmer votre nouvelle adresse électronique", press("Valider")),
    State("adresse-modifiee", SPACE, goto("/espace?modification=adresse-electronique")),
    State("coordonnees", "Mes coordonnées", goto("/espace/coordonnees")),
    State(
        "coordonnees-erreurs",
        "Mes coordonnées",
        steps(fill("Numéro de téléphone professionnel", "12"), fill("Ville", ""), press("Valider")),
    ),
    State(
        "coordonnees-modifiees",
        SPACE,
        steps(
            goto("/espace/coordonnees"),
            fill("Ville", "Lyon"),
            fill("Code postal", "69001"),
            press("Valider"),
        ),
    ),
    State("sessions", "Mes sessions", goto("/espace/sessions")),
    State("activite", "Activité de mon espace", goto("/espace/activite")),
    State("securite", "Sécurité de mon espace", goto("/espace/securite")),
    State(
        "securite-application",
        "Activer une application d'authentification",
        press("Activer une application d'authentification"),
    ),
    State(
        "securite-application-erreur",
        "Activer une application d'authentification",
        press("Activer"),
    ),
    State("fermer", "Fermer mon espace", goto("/espace/fermer")),
    State("fermer-erreurs", "Fermer mon espace", press("Fermer mon espace")),
    # Adhésions
    State("adhesions-vide", "Mes adhésions", goto("/espace/adhesions")),
    State("adhesion-demande", "Demander une adhésion", goto("/espace/adhesions/nouvelle")),
    State("adhesion-demande-erreur", "Demander une adhésion", press("Valider")),
    State("adhesion-demandee", "Mes adhésions", adhesion_requested),
    State("adhesion-activer", "Activer une adhésion", goto("/espace/adhesions/activer")),
    State("adhesion-activer-erreurs", "Activer une adhésion", press("Valider")),
    State("adhesion-active", "Mes adhésions", adhesion_activated),
    State(
        "adhesion-fin",
        "Résilier l'adhésion",
        lambda walk: walk.page.goto(f"/espace/adhesions/{walk.adhesion_id}/fin"),
    ),
    # The site's information pages
    State("accessibilite", "Déclaration d'accessibilité", goto("/accessibilite")),
    State("mentions-legales", "Mentions légales", goto("/mentions-legales")),
    State("donnees-personnelles", "Données personnelles", goto("/donnees-personnelles")),
    State("cookies", "Cookies", goto("/cookies")),
    State("plan-du-site", "Plan du site", goto("/plan-du-site")),
    # Error pages
    State("introuvable", "Page introuvable", goto("/nulle-part")),
    State("methode", "Action impossible sur cette page", goto("/connexion")),
    State("formulaire-refuse", "Demande refusée", forged_post),
    # Last: the space closed
    State(
        "espace-ferme",
        "Votre espace est fermé",
        steps(goto("/espace/fermer"), secrets(press("Fermer mon espace"))),
    ),
)


async def audit(walk: Walk, phone: bool) -> list[str]:
    """Every state of STATES, in turn: axe-core's violations, and on a phone any horizontal
    scroll, on a desktop what text at 200 % loses; every problem, not just the first."""
    page = walk.page
    found: list[str] = []
    for state in STATES:
        await state.reach(walk)
        await heading(page, state.heading)
        found += [f"{state.name}: {problem}" for problem in await axe_violations(page)]
        text = await page.locator("body").inner_text()
        found += [f"{state.name}: breakable « {bad.group()} »" for bad in BREAKABLE.finditer(text)]
        if phone:
            # At the phone's width, then at 320 px, the narrowest the RGAA asks for (10.11).
            for width in (PHONE["width"], NARROWEST):
                await page.set_viewport_size({"width": width, "height": PHONE["height"]})
                overflow = await page.evaluate(
                    "() => document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    found.append(f"{state.name}: {overflow}px of horizontal scroll at {width}px")
            await page.set_viewport_size(PHONE)
        else:
            found += [f"{state.name}: {loss}" for loss in await text_losses(page)]
        await shot(page, ("telephone-" if phone else "ordinateur-") + state.name, SHOTS)
    return found


@pytest.mark.parametrize("screen", ["ordinateur", "telephone"])
async def test_every_page_state_passes_axe_core(
    screen: str, browser: Browser, site: LiveApp, mail_sink: MailSink, settings: Settings
) -> None:
    phone = screen == "telephone"
    context = await new_context(
        browser,
        site,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
    )
    try:
        found = await audit(Walk(await context.new_page(), mail_sink, settings), phone)
    finally:
        await context.close()
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


# -- The keyboard only ----------------------------------------------------------------------------


async def key_to(page: Page, target: Locator, key: str = "Enter") -> None:
    """Tab to `target` (focus visible all the way), then press `key` on it."""
    await tab_to(page, target)
    await page.keyboard.press(key)


async def type_in(page: Page, label: str, text: str) -> None:
    await tab_to(page, field(page, label))
    await page.keyboard.type(text)


async def walked(page: Page, title: str) -> list[str]:
    """The page headed `title`, every focusable element of it reached with Tab and back with
    Shift+Tab (tests.a11y.tab_cycle), the skip link first."""
    await heading(page, title)
    path = await tab_cycle(page)
    assert path[0] == "a:Aller au contenu", path[:3]
    return path


async def test_the_whole_enrollment_and_the_account_pages_with_the_keyboard_only(
    page: Page, mail_sink: MailSink
) -> None:
    email = unique_email("clavier")
    await page.goto("/")
    await walked(page, "Espace abonné")
    await key_to(page, page.get_by_role("link", name="cliquez sur ce lien pour vous inscrire"))
    await walked(page, "Abonnement à votre espace")
    box = page.get_by_label(TERMS_LABEL)
    await key_to(page, box, "Space")
    await expect(box).to_be_checked()
    await key_to(page, page.get_by_role("button", name="Saisir vos identifiants"))

    await walked(page, "Créer vos identifiants")
    await type_in(page, "Votre identifiant (adresse e-mail)", email)
    await type_in(page, "Confirmer votre nouvelle adresse mail", email)
    await type_in(page, "Votre mot de passe", PASSWORD)
    await type_in(page, "Confirmer votre nouveau mot de passe", PASSWORD)
    await key_to(page, page.get_by_role("button", name="Valider"))

    await walked(page, "Votre inscription")
    # A closed list takes the option whose words are typed on it.
    await type_in(page, "Civilité", "Madame")
    await type_in(page, "Nom", "Rosemonde")
    await type_in(page, "Prénom", "Lila")
    await type_in(page, "SIREN ou équivalent", SIREN)
    await type_in(page, "Numéro de téléphone professionnel", "01 23 45 67 89")
    await type_in(page, "Numéro de la voie", "12")
    await type_in(page, "Nature de la voie", "Rue")
    await type_in(page, "Libellé de la voie", "de la Paix")
    await type_in(page, "Code postal", "75002")
    await type_in(page, "Ville", "Paris")
    await type_in(page, "Question", "Quel est votre surnom")
    await type_in(page, "Réponse", ANSWER)
    await expect(field(page, "Civilité")).to_have_value("madame")
    await expect(field(page, "Question")).to_have_value("nickname")
    await key_to(page, page.get_by_role("button", name="Valider"))

    await walked(page, "Votre inscription")  # the recap
    await key_to(page, page.get_by_role("button", name="Confirmer"))
    await walked(page, "Vos identifiants d'authentification")
    await key_to(page, page.get_by_role("link", name="OK", exact=True))

    code = code_from(await mail_sink.message_to(email))
    await heading(page, "Espace abonné")
    await key_to(page, page.get_by_role("link", name="cliquez sur ce lien pour l'activer"))
    await walked(page, "Activer votre compte fiscal")
    await type_in(page, "Saisissez votre identifiant", email)
    await type_in(page, "Entrez le code (à 12 caractères)", code)
    await key_to(page, page.get_by_role("button", name="Valider"))
    await walked(page, "Votre espace abonné est créé")
    await key_to(page, page.get_by_role("link", name="Accéder à votre espace"))

    # « Mon espace »: each page reached from it, walked, then left by its own way back; each
    # form sent empty, and its errors walked too.
    await walked(page, "Mon espace")
    main = page.get_by_role("main")
    for link, title, button in (
        ("Modifier mon mot de passe", "Modifier mon mot de passe", "Valider"),
        ("Modifier mon adresse électronique", "Modifier mon adresse électronique", "Valider"),
        ("Mes coordonnées", "Mes coordonnées", None),
        ("Mes sessions", "Mes sessions", None),
        ("Fermer mon espace", "Fermer mon espace", "Fermer mon espace"),
    ):
        await key_to(page, main.get_by_role("link", name=link, exact=True))
        await walked(page, title)
        if button:
            await key_to(page, main.get_by_role("button", name=button, exact=True))
            await walked(page, title)
        await key_to(page, main.get_by_role("link", name="Retour à mon espace"))
        await heading(page, "Mon espace")

    await key_to(page, main.get_by_role("link", name="Mes adhésions", exact=True))
    await walked(page, "Mes adhésions")
    await key_to(page, main.get_by_role("link", name="Demander une adhésion"))
    await walked(page, "Demander une adhésion")
    await key_to(page, main.get_by_role("button", name="Valider"))
    await walked(page, "Demander une adhésion")
    await type_in(page, "Numéro SIREN de l'entreprise", SIREN)
    await key_to(page, main.get_by_role("button", name="Valider"))
    await walked(page, "Mes adhésions")
    await key_to(page, main.get_by_role("link", name="Activer une adhésion"))
    await walked(page, "Activer une adhésion")
    await key_to(page, main.get_by_role("link", name="Quitter"))
    await heading(page, "Mes adhésions")

    # The footer's pages, then out.
    for link, title in (
        ("Accessibilité\u00a0: partiellement conforme", "Déclaration d'accessibilité"),
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
        ("Cookies", "Cookies"),
        ("Plan du site", "Plan du site"),
    ):
        footer = page.get_by_role("contentinfo")
        await key_to(page, footer.get_by_role("link", name=link, exact=True))
        await walked(page, title)
    await key_to(page, page.get_by_role("link", name="Mon espace", exact=True).first)
    await heading(page, "Mon espace")
    await key_to(page, page.get_by_role("button", name="Se déconnecter"))
    await heading(page, "Espace abonné")
