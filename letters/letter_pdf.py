"""The adhésion letter: the company's activation code, printed and posted to its head office.

One A4 page, folded in three into a French DL envelope (110 × 220 mm) with the usual right-hand
window of 100 × 45 mm set 20 mm from the right edge and 15 mm from the bottom. With the letter
centred in the envelope (5 mm each side) and its top panel against the envelope's top, that
window shows the page from about x = 95–195 mm and y = 50–95 mm; the recipient's block is
printed at x = 110 mm, y = 50 mm, at most 80 mm wide and six lines (La Poste's limit), so a few
millimetres of slack in the envelope never hide a line. The same block sits inside the C5
window (162 × 229 mm, right-hand window at the same height) when the letter is folded in two.

The letter holds no link and no logo, like the activation e-mail: a code is only ever typed in
the subscriber's own space. DejaVu Sans is embedded so every French character renders
(documents.typeface); the code itself is set in a monospaced face, where « l », « I » and « 1 »
are told apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from documents import typeface
from documents.typeface import FAMILY
from domain.formatting import french_datetime
from domain.rules import format_siren
from domain.support import DEFAULT_SUPPORT

# The window block (see the module's docstring), in millimetres from the page's top-left corner.
WINDOW_X, WINDOW_Y, WINDOW_WIDTH, WINDOW_LINES = 110.0, 50.0, 80.0, 6
# The personal-data line, left of the envelope's window (which starts at x = 95 mm).
PRIVACY_Y, PRIVACY_WIDTH = 60.0, 70.0
SENDER_LINES = (
    "ESPACE ABONNÉ DES PROFESSIONNELS",
    "Service des adhésions aux services en ligne",
    "Centre de traitement des courriers",
)
SUBJECT = "Objet : code d'adhésion de votre entreprise aux services en ligne"
USAGE_STEPS = (
    "Cette personne se connecte à son espace abonné professionnel.",
    "Elle ouvre « Mes adhésions », puis « Activer une adhésion ».",
    "Elle saisit le SIREN de l'entreprise et le code ci-dessus, puis valide.",
)


@dataclass(frozen=True, slots=True)
class AdhesionLetter:
    """Everything one letter says. `reference` names this letter (the adhésion and the letter's
    number), never the code."""

    reference: str
    siren: str
    company_name: str
    address_lines: tuple[str, ...]  # below the name, the last one « CODE POSTAL COMMUNE »
    subscriber_name: str  # « Madame ROSEMONDE Lila »
    code: str
    deadline: datetime
    sent_at: datetime
    number: int = 1  # the request's n-th letter: each one voids the code of the one before
    # Whom to call if the company did not ask: the assistance channel, worded once, no link.
    assistance: str = DEFAULT_SUPPORT.mail_lines()
    # Where the personal-data notice is, as text.
    privacy: str = DEFAULT_SUPPORT.privacy_lines()

    @property
    def window_lines(self) -> list[str]:
        return [self.company_name.upper(), *self.address_lines][:WINDOW_LINES]


def letter_text(letter: AdhesionLetter) -> str:
    """The body of the letter, as printed (also the readable copy the development folder keeps)."""
    siren = format_siren(letter.siren)
    deadline = french_datetime(letter.deadline)
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(USAGE_STEPS, start=1))
    replaces = (
        "Ce courrier annule et remplace le précédent : seul le code ci-dessous est valable.\n\n"
        if letter.number > 1
        else ""
    )
    return f"""\
Madame, Monsieur,

{replaces}\
{letter.subscriber_name} a demandé, depuis son espace abonné professionnel, l'adhésion de \
l'entreprise {letter.company_name} (SIREN {siren}) aux services en ligne des professionnels. \
Cette adhésion sera active lorsque le code suivant aura été saisi dans cet espace :

{letter.code}

Ce code doit être saisi en respectant les majuscules et les minuscules. Il est valable jusqu'au \
{deadline}. Au-delà de ce délai, la demande d'adhésion expire et doit être renouvelée. Après cinq \
saisies erronées, le code n'est plus valable : un nouveau courrier peut alors être demandé, et \
chaque nouveau courrier annule le code du précédent.

Si vous autorisez {letter.subscriber_name} à accéder aux services en ligne de votre entreprise, \
remettez-lui ce code. Pour l'utiliser :
{steps}

Si vous n'êtes pas à l'origine de cette demande et ne souhaitez pas y donner suite, ne \
communiquez pas ce code : la demande expirera d'elle-même. En cas de doute, contactez \
{letter.assistance}

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de courrier ni de message \
contenant un lien renvoyant sur un site Internet : un code ne se saisit que dans votre espace \
abonné.

{letter.privacy}
"""


def render_letter_pdf(letter: AdhesionLetter) -> bytes:
    return typeface.render(lambda pdf: _draw(pdf, letter))


def _draw(pdf: FPDF, letter: AdhesionLetter) -> None:
    pdf.set_title("Espace abonné professionnel - code d'adhésion")
    pdf.set_creation_date(letter.sent_at)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    _fold_marks(pdf)

    # Sender, top left: outside the window, so the envelope shows the recipient only.
    pdf.set_xy(20, 15)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 5, SENDER_LINES[0], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 9)
    for line in SENDER_LINES[1:]:
        pdf.cell(0, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.cell(0, 4.5, f"Référence : {letter.reference}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 4.5, f"Courrier n° {letter.number}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, 4.5, f"SIREN : {format_siren(letter.siren)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The recipient, in the window.
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(WINDOW_X, WINDOW_Y)
    for line in letter.window_lines:
        pdf.set_x(WINDOW_X)
        pdf.cell(WINDOW_WIDTH, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)

    # Where the personal-data notice is, in small type in the left column under the sender,
    # beside the window and above the subject: the body keeps the page to itself.
    pdf.set_font(FAMILY, "", 8)
    pdf.set_xy(20, PRIVACY_Y)
    pdf.multi_cell(PRIVACY_WIDTH, 3.8, letter.privacy, align="L")

    pdf.set_xy(WINDOW_X, 100)
    pdf.set_font(FAMILY, "", 9.5)
    pdf.cell(WINDOW_WIDTH, 5, f"Le {french_datetime(letter.sent_at)}")

    pdf.set_xy(20, 112)
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(0, 5.5, SUBJECT, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    before, _, after = letter_text(letter).partition(f"\n{letter.code}\n")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, before.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("Courier", "B", 20)
    pdf.cell(0, 11, letter.code, border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(FAMILY, "", 10)
    body = after.strip().removesuffix(letter.privacy).strip()
    pdf.multi_cell(0, 5, body, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _fold_marks(pdf: FPDF) -> None:
    """Short ticks in the left margin where the page folds in three (297 / 3 mm)."""
    pdf.set_draw_color(150, 150, 150)
    for y in (99.0, 198.0):
        pdf.line(3, y, 8, y)
    pdf.set_draw_color(0, 0, 0)
