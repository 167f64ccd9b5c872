"""The recap print-out (« formulaire d'inscription »), rendered with fpdf2.

It holds what a subscriber needs to keep: never the password, the activation code or the trust
answer. DejaVu Sans is embedded so every French character renders.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from domain.reference import STREET_TYPES, TRUST_QUESTIONS, Civility, country_label
from domain.rules import display_company_identifier
from domain.subscriber_number import format_subscriber_number
from mail.activation import french_datetime
from storage.tables import SubscriberBase

FONTS = Path(__file__).parent / "fonts"
UNKNOWN_COMPANY = "Raison sociale inconnue"
COMPANY_NOTE = (
    "Si la raison sociale affichée est erronée, veuillez prendre contact avec votre Service des "
    "Impôts des Entreprises."
)


def _rows(subscriber: SubscriberBase) -> list[tuple[str, list[tuple[str, str]]]]:
    street = " ".join(
        part
        for part in (
            subscriber.street_number,
            STREET_TYPES.get(subscriber.street_type, subscriber.street_type),
            subscriber.street_name,
        )
        if part
    )
    company_id = display_company_identifier(
        subscriber.company_foreign, subscriber.company_identifier
    )
    space = [
        ("Numéro d'abonné", format_subscriber_number(subscriber.subscriber_number)),
        ("Date d'activation", french_datetime(subscriber.activated_at)),
        ("Identifiant", subscriber.email),
    ]
    if subscriber.details_changed_at is not None:
        space.append(("Dernière modification", french_datetime(subscriber.details_changed_at)))
    return [
        ("Espace abonné", space),
        (
            "Usager",
            [
                ("Civilité", Civility(subscriber.civility).label),
                ("Nom", subscriber.last_name.upper()),
                ("Prénom", subscriber.first_name),
            ],
        ),
        (
            "Entreprise d'appartenance",
            [
                ("Entreprise étrangère", "oui" if subscriber.company_foreign else "non"),
                ("S.I.R.E.N. ou équivalent", company_id),
                ("Raison sociale", subscriber.company_name or UNKNOWN_COMPANY),
            ],
        ),
        (
            "Contact",
            [
                ("Numéro de téléphone professionnel", subscriber.phone),
                ("Adresse e-mail professionnelle", subscriber.email),
                ("Adresse", street),
                ("Complément d'adresse", subscriber.address_complement),
                ("Code postal", subscriber.postal_code),
                ("Ville", subscriber.city),
                ("Pays", country_label(subscriber.country)),
            ],
        ),
        (
            "Questions de confiance",
            [("Question", TRUST_QUESTIONS.get(subscriber.trust_question, ""))],
        ),
    ]


def render_recap_pdf(subscriber: SubscriberBase, printed_at: datetime) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title("Espace abonné professionnel - formulaire d'inscription")
    pdf.set_creation_date(printed_at)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 9, "Espace abonné professionnel", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(
        0,
        7,
        "Informations récapitulatives de votre inscription",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)
    for title, rows in _rows(subscriber):
        pdf.set_font("DejaVu", "B", 11)
        pdf.set_fill_color(230, 230, 245)
        pdf.cell(0, 8, title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 10)
        for label, value in rows:
            pdf.cell(70, 6.5, label)
            pdf.multi_cell(0, 6.5, value or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if title == "Entreprise d'appartenance":
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(0, 5, COMPANY_NOTE, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(
        0,
        5,
        "Conservez ce document : il vous sera utile si vous oubliez votre mot de passe ou si "
        f"vous souhaitez changer d'identifiants. Imprimé le {french_datetime(printed_at)}.",
    )
    return bytes(pdf.output())
