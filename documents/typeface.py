"""DejaVu Sans for the print-outs, parsed once per process, in two cuts.

fpdf2 parses a TrueType font when it is added and subsets it again for every document it writes;
with DejaVu's ~6,000 glyphs that is most of a document's cost. Almost every recap and letter is
written in the Latin script, so each document is first drawn with a cut of the fonts reduced to
the Latin script and the punctuation French typography uses (~1,300 glyphs, a third of the cost
per document). If the document wrote a character that cut lacks (a Greek or Cyrillic name, which
the name rules accept), it is drawn again with the whole fonts: nothing is ever left out.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# Latin with its extensions (accented and ligatured letters of every Latin-script language),
# the spacing modifiers and phonetic superscripts (« 2ᵉ »), general punctuation (’ « » – … and
# the narrow no-break space), super- and subscripts, currency signs and letterlike symbols (№).
COMMON_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x02FF),
    (0x1D00, 0x1DBF),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x2070, 0x209F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
)

# Tables fpdf2's subsetter drops on output anyway (fpdf/output.py), some of them large
# (the OpenType layout tables): dropped once, they are not read again for every document.
UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta")

Face = tuple[TTFFont, bytes]


def _whole_font(path: Path) -> bytes:
    font = TTFont(path, recalcTimestamp=False, lazy=True)
    for tag in UNUSED_TABLES:
        if tag in font:
            del font[tag]
    return _saved(font)


def _common_cut(path: Path) -> bytes:
    options = subset.Options()
    options.layout_features = []  # no GSUB/GPOS: fpdf2 drops them when it writes the font
    options.drop_tables += list(UNUSED_TABLES)
    options.name_IDs = ["*"]
    options.glyph_names = True
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for low, high in COMMON_RANGES for u in range(low, high + 1)])
    font = TTFont(path, recalcTimestamp=False)
    subsetter.subset(font)
    return _saved(font)


def _saved(font: TTFont) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _parsed(cut: Callable[[Path], bytes]) -> dict[str, Face]:
    """The faces as fpdf2 parses them (character map, widths, glyph IDs), with the bytes of the
    font file the subsetter reads again for each document. `FPDF.add_font` only takes a path;
    the parse it runs is this one."""
    prototype = FPDF()
    faces = {}
    for style, file_name in FACES.items():
        data = cut(FONTS / file_name)
        key = f"{FAMILY.lower()}{style}"
        font = TTFFont(prototype, io.BytesIO(data), key, style)  # type: ignore[arg-type]
        prototype.fonts[key] = font  # each face its own index (its resource name in a document)
        faces[key] = (font, data)
    return faces


@cache
def common_faces() -> dict[str, Face]:
    return _parsed(_common_cut)


@cache
def whole_faces() -> dict[str, Face]:
    return _parsed(_whole_font)


def _add(pdf: FPDF, faces: dict[str, Face]) -> list[TTFFont]:
    """What `pdf.add_font` would do, from parsed faces: the read-only metrics are shared; what a
    document changes is its own (the glyphs it uses, and the font tables, which the subsetter
    rewrites on output, opened again from the file's bytes and read lazily)."""
    added = []
    for key, (parsed, data) in faces.items():
        font = copy.copy(parsed)
        font.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
        font.desc = copy.copy(parsed.desc)
        font.cw = copy.copy(parsed.cw)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[key] = font
        added.append(font)
    return added


def _lacks_glyphs(fonts: Iterable[TTFFont]) -> bool:
    return any(font.missing_glyphs for font in fonts)


def render(draw: Callable[[FPDF], None]) -> bytes:
    """An A4 document drawn by `draw` in DejaVu Sans (family `FAMILY`, styles "" and "B")."""
    for faces in (common_faces, whole_faces):
        pdf = FPDF(format="A4")
        fonts = _add(pdf, faces())
        draw(pdf)
        if not _lacks_glyphs(fonts):
            break
    return bytes(pdf.output())
