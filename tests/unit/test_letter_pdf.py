"""The adhésion letter read back (pypdf): the code, the company's name and registered address in
the envelope's window, the deadline in Paris time, how to use the code — and no link."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from letters.adhesion_letter import readable_copy
from letters.letter_pdf import (
    WINDOW_WIDTH,
    WINDOW_X,
    WINDOW_Y,
    AdhesionLetter,
    render_letter_pdf,
)

SENT = datetime(2026, 11, 28, 7, 5, tzinfo=UTC)
DEADLINE = datetime(2027, 1, 27, 7, 5, tzinfo=UTC)  # 08 h 05 in Paris (winter time)
CODE = "aB3dE5fG7hJl"
MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT = 297


def letter(**overrides: object) -> AdhesionLetter:
    values: dict[str, object] = {
        "reference": "adhesion-0123abcd-1",
        "siren": "123456782",
        "company_name": "Cabinet Exemple Conseil",
        "address_lines": ("BATIMENT C", "4 B AV DES TILLEULS", "69003 LYON"),
        "subscriber_name": "Madame LEFÈVRE-NOËL Hélène",
        "code": CODE,
        "deadline": DEADLINE,
        "sent_at": SENT,
    } | overrides
    return AdhesionLetter(**values)  # type: ignore[arg-type]


def test_the_letter_holds_the_code_the_address_and_how_to_use_it() -> None:
    pdf = render_letter_pdf(letter())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    # French spacing: no-break spaces before « : » and inside « » (read back as either kind).
    text = reader.pages[0].extract_text().replace("\u00a0", " ")
    for expected in (
        "ESPACE ABONNÉ DES PROFESSIONNELS",  # the sender block
        "CABINET EXEMPLE CONSEIL",
        "BATIMENT C",
        "4 B AV DES TILLEULS",
        "69003 LYON",
        "SIREN : 123 456 782",
        "Madame LEFÈVRE-NOËL Hélène",
        CODE,
        "27 janvier 2027 à 08 h 05 (heure de Paris)",
        "« Activer une adhésion »",
        "en respectant les majuscules et les minuscules",
        "Vos données personnelles et vos droits : page",
        "« Données personnelles » de l'espace abonné",
        "(127.0.0.1:8000/donnees-personnelles).",
    ):
        assert expected in text, expected


def test_the_letter_holds_no_link() -> None:
    pdf = render_letter_pdf(letter())
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text().lower()
    for link in ("http", "www.", "://", ".fr/", ".gouv"):
        assert link not in text
    assert "/Annots" not in reader.pages[0]  # no clickable area either
    assert b"/URI" not in pdf


def test_the_recipient_sits_in_the_envelope_window() -> None:
    """Every line of the recipient's block starts at the window's left edge and lies within
    the DL window's band (the block's top at 50 mm, six lines at most)."""
    pdf = render_letter_pdf(letter())
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    positions: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            positions.setdefault(text.strip(), (x / MM, A4_HEIGHT - y / MM))

    page.extract_text(visitor_text=visit)
    block = ["CABINET EXEMPLE CONSEIL", "BATIMENT C", "4 B AV DES TILLEULS", "69003 LYON"]
    for line in block:
        x, y = positions[line]
        assert abs(x - WINDOW_X) < 1.5, (line, x)
        assert WINDOW_Y <= y <= WINDOW_Y + 35, (line, y)
    assert [positions[line][1] for line in block] == sorted(positions[line][1] for line in block)
    assert WINDOW_X + WINDOW_WIDTH <= 195  # the window's right edge on the page


def test_at_most_six_lines_in_the_window() -> None:
    long = letter(address_lines=("A", "B", "C", "D", "E", "F", "G"))
    assert len(long.window_lines) == 6


def test_the_readable_copy_names_recipient_siren_and_code() -> None:
    copy = readable_copy(letter())
    assert copy.startswith("Destinataire :\n    CABINET EXEMPLE CONSEIL\n")
    assert "SIREN : 123 456 782" in copy and f"Code : {CODE}" in copy
    assert "69003 LYON" in copy
    assert copy.rstrip().endswith("(127.0.0.1:8000/donnees-personnelles).")


def test_a_later_letter_says_it_replaces_the_previous_one() -> None:
    first = PdfReader(io.BytesIO(render_letter_pdf(letter()))).pages[0].extract_text()
    third = PdfReader(io.BytesIO(render_letter_pdf(letter(number=3)))).pages[0].extract_text()
    assert "Courrier n° 1" in first and "annule et remplace" not in first
    assert "Courrier n° 3" in third and "annule et remplace le précédent" in third
