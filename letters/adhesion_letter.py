"""An adhésion letter ready for the outbox: the PDF to print and its readable copy."""

from __future__ import annotations

from domain.formatting import french_datetime
from domain.rules import format_siren
from letters.letter_pdf import AdhesionLetter, letter_text, render_letter_pdf
from letters.outbox import PostedLetter


def readable_copy(letter: AdhesionLetter, adhesion_id: str = "") -> str:
    """Headers a developer scans first (recipient, SIREN, code), then the letter as printed."""
    recipient = "\n".join(f"    {line}" for line in letter.window_lines)
    return (
        f"Destinataire :\n{recipient}\n"
        f"SIREN : {format_siren(letter.siren)}\n"
        f"Code : {letter.code}\n"
        f"Valable jusqu'au : {french_datetime(letter.deadline)}\n"
        f"Référence : {letter.reference}\n"
        f"Courrier n° : {letter.number}\n"
        f"Adhésion : {adhesion_id}\n\n"
        f"{letter_text(letter)}"
    )


def posted_letter(key: str, letter: AdhesionLetter, adhesion_id: str = "") -> PostedLetter:
    return PostedLetter(
        key=key, pdf=render_letter_pdf(letter), readable=readable_copy(letter, adhesion_id)
    )
