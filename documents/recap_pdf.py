"""The recap print-out (« formulaire d'inscription »), rendered with fpdf2.

It prints the subscriber's view (domain.subscriber_view) as the recap screen shows it: never the
password, the activation code or the trust answer. DejaVu Sans is embedded so every French
character renders.
"""

from __future__ import annotations

import copy
import io
from datetime import datetime
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from domain.formatting import french_datetime
from domain.subscriber_view import Section, SubscriberView

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


# Tables fpdf2's subsetter drops on output anyway (fpdf/output.py), some of them large
# (the OpenType layout tables): dropped once, they are not read again for every document.
UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta")


def _without_unused_tables(path: Path) -> bytes:
    font = TTFont(path, recalcTimestamp=False, lazy=True)
    for tag in UNUSED_TABLES:
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def _parsed_faces() -> dict[str, tuple[TTFFont, bytes]]:
    """The faces as fpdf2 parses them (character map, widths, glyph IDs), once per process."""
    prototype = FPDF()
    faces = {}
    for style, file_name in FACES.items():
        path = FONTS / file_name
        prototype.add_font(FAMILY, style, str(path))
        font = prototype.fonts[f"{FAMILY.lower()}{style}"]
        assert isinstance(font, TTFFont)
        # Only layout tables go: the glyphs, their order and names stay those parsed here.
        faces[font.fontkey] = (font, _without_unused_tables(path))
    return faces


def _add_fonts(pdf: FPDF) -> None:
    """What `pdf.add_font` would do, from the parsed faces: the read-only metrics are shared;
    what a document changes is its own (the glyphs it uses, and the font tables, which the
    subsetter rewrites on output, opened again from the file's bytes and read lazily)."""
    for key, (parsed, data) in _parsed_faces().items():
        font = copy.copy(parsed)
        font.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
        font.desc = copy.copy(parsed.desc)
        font.cw = copy.copy(parsed.cw)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[key] = font


def _section(pdf: FPDF, section: Section) -> None:
    pdf.set_font(FAMILY, "B", 11)
    pdf.set_fill_color(230, 230, 245)
    pdf.cell(0, 8, section.title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    for row in section.rows:
        pdf.cell(70, 6.5, row.label)
        pdf.multi_cell(0, 6.5, row.value or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if section.note:
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(0, 5, section.note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def render_recap_pdf(view: SubscriberView, printed_at: datetime) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Espace abonné professionnel - formulaire d'inscription")
    pdf.set_creation_date(printed_at)
    _add_fonts(pdf)
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
    return bytes(pdf.output())
