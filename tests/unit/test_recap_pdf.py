"""The recap print-out read back as text (pypdf): the recap is there as the recap screen shows it,
the secrets are not, and French accents come out as typed."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from fpdf import FPDF
from pypdf import PdfReader

from documents import typeface
from documents.recap_pdf import render_recap_pdf
from domain.subscriber_number import format_subscriber_number, make_subscriber_number
from domain.subscriber_view import ANSWER_KEPT, COMPANY_NOTE, UNKNOWN_COMPANY
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
    """The text as a reader copies it, with the no-break spaces (« 14 h 05 ») read as spaces:
    a single-line value keeps them, a wrapped one is laid out with plain spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def recap_text(row: Subscriber) -> str:
    return text_of(render_recap_pdf(row.view(), printed_at=ACTIVATED))


def test_the_recap_holds_every_section() -> None:
    text = recap_text(subscriber())
    assert format_subscriber_number(NUMBER).startswith("1234 5678 901")
    # Label and value together: a label is printed whatever the value, and a bare value such as
    # "Paris" would also be found in « heure de Paris ».
    for expected in (
        "Espace abonné professionnel",
        f"Numéro d'abonné {format_subscriber_number(NUMBER)}",  # in groups of four
        "Date d'activation 27 novembre 2026 à 14 h 05",  # Paris time
        "Civilité Madame",
        "Nom Lefèvre-Noël",
        "Prénom Hélène Françoise",
        "Entreprise étrangère non",
        "SIREN ou équivalent 732 829 320",
        "Raison sociale SOCIÉTÉ IMAGINAIRE DES ÉCLUSES",
        "Numéro de téléphone professionnel 01 23 45 67 89",
        "Adresse mèl professionnelle helene.lefevre@exemple.fr",
        "Complément d'adresse Bâtiment B, 2ᵉ étage",
        "Code postal 75002",
        "Ville Paris",
        "Pays FRANCE",
        "Question Quelle est la ville de naissance de votre mère ?",
    ):
        assert expected in text, expected
    assert " ".join(COMPANY_NOTE.split()) in " ".join(text.split())


def test_the_phone_and_the_address_read_as_on_the_recap_screen() -> None:
    text = recap_text(subscriber())
    for expected in (
        "Numéro de téléphone professionnel 01 23 45 67 89",
        "Numéro de la voie 12 bis",
        "Nature de la voie Chaussée",
        "Libellé de la voie de l'Œuvre",
    ):
        assert expected in text, expected
    assert "+33123456789" not in text
    abroad = recap_text(subscriber(phone="+493012345678", country="DE", postal_code="10115"))
    assert "+49 30 12345678" in abroad


def test_the_recap_holds_no_secret() -> None:
    text = recap_text(subscriber())
    for secret in ("argon2", "SECRETHASH", "ANSWERHASH", "mot de passe :"):
        assert secret not in text, secret
    assert "Mot de passe" not in text
    assert f"Réponse {ANSWER_KEPT}" in text  # that it is kept, never what it is


def test_an_unknown_company_name_is_shown_as_unknown() -> None:
    text = recap_text(subscriber(company_name=None))
    assert f"Raison sociale {UNKNOWN_COMPANY}" in text


def test_a_foreign_company_keeps_its_identifier() -> None:
    recap = subscriber(
        company_foreign=True,
        company_identifier="DE136695976",
        company_name=None,
        country="DE",
        postal_code="10115",
        city="Berlin",
    )
    text = recap_text(recap)
    assert "DE136695976" in text and "ALLEMAGNE" in text and "Entreprise étrangère oui" in text


def test_the_font_is_embedded() -> None:
    reader = PdfReader(io.BytesIO(render_recap_pdf(subscriber().view(), printed_at=ACTIVATED)))
    resources: Any = reader.pages[0]["/Resources"]
    fonts: Any = resources["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object() for font in fonts.values()]
    assert descriptors and all("DejaVu" in str(d["/BaseFont"]) for d in descriptors)
    assert all("/FontFile2" in d["/FontDescriptor"].get_object() for d in descriptors)


def test_documents_sharing_the_parsed_fonts_stay_apart() -> None:
    """The fonts are parsed once per process; each document still embeds its own subset."""
    greek = recap_text(subscriber(first_name="Ελένη", last_name="Παπαδοπούλου"))
    after = text_of(render_recap_pdf(subscriber().view(), printed_at=ACTIVATED))
    assert "Ελένη" in greek and "Παπαδοπούλου" in greek
    assert "Hélène Françoise" in after and "Ελένη" not in after
    with ThreadPoolExecutor(4) as pool:  # the worker renders in a thread pool
        names = [f"Prénom{chr(0x41 + n)}" for n in range(8)]
        texts = pool.map(lambda name: recap_text(subscriber(first_name=name)), names)
        for name, text in zip(names, texts, strict=True):
            assert name in text


def test_a_latin_document_is_drawn_once_and_any_other_again_with_the_whole_fonts() -> None:
    """The reduced cut of the fonts is tried first; a character it lacks makes the document be
    drawn again with the whole fonts, so nothing typed is ever left out of the print-out."""
    for text, expected_draws in (
        ("Hélène Œuvre 2ᵉ étage « 12 € » — ½", 1),
        ("Ελένη Παπαδοπούλου", 2),
        ("Алёна Ковалёва", 2),
    ):
        draws = 0

        def draw(pdf: FPDF, text: str = text) -> None:
            nonlocal draws
            draws += 1
            pdf.add_page()
            pdf.set_font(typeface.FAMILY, "B", 10)
            pdf.cell(0, 5, text)

        pdf = typeface.render(draw)
        assert draws == expected_draws, text
        assert text in text_of(pdf)
