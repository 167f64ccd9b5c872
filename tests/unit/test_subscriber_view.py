"""One subscriber view: the values read as the recap screen shows them, whichever reader asks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.formatting import display_phone, full_name
from domain.models import Company
from domain.reference import Civility
from domain.subscriber_view import ANSWER_KEPT, UNKNOWN_COMPANY, Account, SubscriberView
from tests.support import typed_details

DETAILS = typed_details()  # Madame Lila Rosemonde, 12 rue de la Paix, Paris


def rows(view: SubscriberView) -> dict[str, str]:
    return {row.label: row.value for section in view.sections() for row in section.rows}


def test_every_value_reads_as_on_the_recap_screen() -> None:
    view = SubscriberView("lila@exemple.fr", DETAILS, "ATELIERS FICTIFS DE LA PAIX")
    assert [s.title for s in view.sections()] == [
        "Usager",
        "Entreprise d'appartenance",
        "Contact",
        "Questions de confiance",
    ]
    assert rows(view) == {
        "Civilité": "Madame",
        "Nom": "Rosemonde",
        "Prénom": "Lila",
        "Entreprise étrangère": "non",
        "SIREN ou équivalent": "732 829 320",
        "Raison sociale": "ATELIERS FICTIFS DE LA PAIX",
        "Numéro de téléphone professionnel": "01 23 45 67 89",
        "Adresse mèl professionnelle": "lila@exemple.fr",
        "Numéro de la voie": "12",
        "Nature de la voie": "Rue",
        "Libellé de la voie": "de la Paix",
        "Complément d'adresse": "Bâtiment B",
        "Code postal": "75002",
        "Ville": "Paris",
        "Pays": "FRANCE",
        "Question": "Quel est votre surnom ?",
        "Réponse": ANSWER_KEPT,
    }
    assert view.name == "Madame ROSEMONDE Lila"
    assert view.account_section() is None  # a draft has no account yet


def test_an_unknown_company_and_a_foreign_one() -> None:
    foreign = DETAILS.model_copy(
        update={"company": Company(foreign=True, identifier="DE136695976")}
    )
    view = SubscriberView("lila@exemple.fr", foreign, None)
    assert rows(view)["Raison sociale"] == UNKNOWN_COMPANY
    assert rows(view)["SIREN ou équivalent"] == "DE136695976"
    assert rows(view)["Entreprise étrangère"] == "oui"


def test_the_account_of_a_subscriber() -> None:
    activated = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    view = SubscriberView("lila@exemple.fr", DETAILS, None, Account("123456789012", activated))
    section = view.account_section()
    assert section is not None
    assert {row.label: row.value for row in section.rows} == {
        "Numéro d'abonné": "1234 5678 9012",
        "Date d'activation": "1er décembre 2026 à 09\u00a0h\u00a030 (heure de Paris)",
        "Identifiant": "lila@exemple.fr",
    }


@pytest.mark.parametrize(
    ("e164", "country", "shown"),
    [
        ("+33123456789", "FR", "01 23 45 67 89"),
        ("+33123456789", "BE", "+33 1 23 45 67 89"),  # a French number of a foreign address
        ("+493012345678", "DE", "+49 30 12345678"),
        ("not a number", "FR", "not a number"),  # stored values are checked; never hide one
    ],
)
def test_phone_numbers_as_their_country_writes_them(e164: str, country: str, shown: str) -> None:
    assert display_phone(e164, country) == shown


def test_the_name_as_the_sheet_addresses_the_user() -> None:
    assert full_name(Civility.MONSIEUR, "Lefèvre-Noël", "Jean") == "Monsieur LEFÈVRE-NOËL Jean"
