"""The recap print-out read back as text (pypdf): the recap is there, the secrets are not, and
French accents come out as typed."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from documents.recap_pdf import COMPANY_NOTE, UNKNOWN_COMPANY, render_recap_pdf
from domain.subscriber_number import format_subscriber_number, make_subscriber_number
from storage.tables import Subscriber

NUMBER = make_subscriber_number(12345678901)
ACTIVATED = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)


def subscriber(**overrides: Any) -> Subscriber:
    values: dict[str, Any] = {
        "id": 7,
        "enrollment_key": "enrollment-x/run",
        "subscriber_number": NUMBER,
        "email": "helene.lefevre@exemple.fr",
        "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$SECRETHASH",
        "trust_answer_hash": "$argon2id$v=19$m=19456,t=2,p=1$ANSWERHASH",
        "civility": "madame",
        "last_name": "Lefèvre-Noël",
        "first_name": "Hélène Françoise",
        "company_foreign": False,
        "company_identifier": "732829320",
        "company_name": "SOCIÉTÉ IMAGINAIRE DES ÉCLUSES",
        "phone": "+33123456789",
        "street_number": "12 bis",
        "street_type": "CHS",
        "street_name": "de l'Œuvre",
        "address_complement": "Bâtiment B, 2ᵉ étage",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
        "trust_question": "mother_birthplace",
        "terms_version": "2026-01",
        "terms_accepted_at": ACTIVATED,
        "activated_at": ACTIVATED,
    } | overrides
    return Subscriber(**values)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_recap_holds_every_section() -> None:
    text = text_of(render_recap_pdf(subscriber(), printed_at=ACTIVATED))
    assert format_subscriber_number(NUMBER).startswith("1234 5678 901")
    # Label and value together: a label is printed whatever the value, and a bare value such as
    # "Paris" would also be found in « heure de Paris ».
    for expected in (
        "Espace abonné professionnel",
        f"Numéro d'abonné {format_subscriber_number(NUMBER)}",  # in groups of four
        "Date d'activation 27 novembre 2026 à 14 h 05",  # Paris time
        "Civilité Madame",
        "Nom LEFÈVRE-NOËL",
        "Prénom Hélène Françoise",
        "Entreprise étrangère non",
        "S.I.R.E.N. ou équivalent 732 829 320",
        "Raison sociale SOCIÉTÉ IMAGINAIRE DES ÉCLUSES",
        "Numéro de téléphone professionnel +33123456789",
        "Adresse e-mail professionnelle helene.lefevre@exemple.fr",
        "Adresse 12 bis Chaussée de l'Œuvre",
        "Complément d'adresse Bâtiment B, 2ᵉ étage",
        "Code postal 75002",
        "Ville Paris",
        "Pays FRANCE",
        "Question Quelle est la ville de naissance de votre mère ?",
    ):
        assert expected in text, expected
    assert " ".join(COMPANY_NOTE.split()) in " ".join(text.split())


def test_the_recap_holds_no_secret() -> None:
    text = text_of(render_recap_pdf(subscriber(), printed_at=ACTIVATED))
    for secret in ("argon2", "SECRETHASH", "ANSWERHASH", "Réponse", "mot de passe :"):
        assert secret not in text, secret
    assert "Mot de passe" not in text


def test_an_unknown_company_name_is_shown_as_unknown() -> None:
    text = text_of(render_recap_pdf(subscriber(company_name=None), printed_at=ACTIVATED))
    assert UNKNOWN_COMPANY in text and "Raison sociale inconnue" in text


def test_a_foreign_company_keeps_its_identifier() -> None:
    recap = subscriber(
        company_foreign=True,
        company_identifier="DE136695976",
        company_name=None,
        country="DE",
        postal_code="10115",
        city="Berlin",
    )
    text = text_of(render_recap_pdf(recap, printed_at=ACTIVATED))
    assert "DE136695976" in text and "ALLEMAGNE" in text and "Entreprise étrangère oui" in text


def test_the_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(render_recap_pdf(subscriber(), printed_at=ACTIVATED)))
    resources: Any = reader.pages[0]["/Resources"]
    fonts: Any = resources["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object() for font in fonts.values()]
    assert descriptors and all("DejaVu" in str(d["/BaseFont"]) for d in descriptors)
    assert all("/FontFile2" in d["/FontDescriptor"].get_object() for d in descriptors)
