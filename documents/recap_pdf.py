"""The recap print-out (« formulaire d'inscription »), rendered with fpdf2.

It prints the subscriber's view (domain.subscriber_view) as the recap screen shows it: never the
password, the activation code or the trust answer. DejaVu Sans is embedded so every French
character renders (documents.typeface).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from documents import typeface
from documents.typeface import FAMILY
from domain.formatting import french_datetime
from domain.subscriber_view import Section, SubscriberView

LABEL_WIDTH = 70

# How the worker renders a recap: `render_recap_pdf` in its own threads, or a
# `documents.recap_process.RecapRenderer`'s `render` in processes of their own.
RecapRender = Callable[[SubscriberView, datetime], bytes]


def _value(pdf: FPDF, value: str) -> None:
    # Most values fit on the line: a plain cell costs a fraction of multi_cell's line breaking.
    room = pdf.epw - LABEL_WIDTH - 2 * pdf.c_margin
    if pdf.get_string_width(value) <= room:
        pdf.cell(0, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(0, 6.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: FPDF, section: Section) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_fill_color(230, 230, 245)
    pdf.cell(0, 8, section.title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    for row in section.rows:
        pdf.cell(LABEL_WIDTH, 6.5, row.label)
        _value(pdf, row.value or "-")
    if section.note:
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(0, 5, section.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def render_recap_pdf(view: SubscriberView, printed_at: datetime) -> bytes:
    return typeface.render(lambda pdf: _draw(pdf, view, printed_at))


def _draw(pdf: FPDF, view: SubscriberView, printed_at: datetime) -> None:
    pdf.set_title("Espace abonné professionnel - formulaire d'inscription")
    pdf.set_creation_date(printed_at)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(0, 9, "Espace abonné professionnel", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    pdf.cell(
        0,
        7,
        "Informations récapitulatives de votre inscription",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    account = view.account_section()
    for section in (account, *view.sections()) if account else view.sections():
        _section(pdf, section)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(
        0,
        5,
        "Conservez ce document : il vous sera utile si vous oubliez votre mot de passe ou si "
        f"vous souhaitez changer d'identifiants. Imprimé le {french_datetime(printed_at)}.",
    )
