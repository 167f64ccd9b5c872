"""One subscriber as people read it: the recap screen, the signed-in space, the recap PDF and the
API's labels all come from here, so that they never tell the same thing two ways.

A view is built from a draft (its typed details, the identifier and the company's name) or from
a stored subscriber (`storage.tables.SubscriberBase.view`), which adds the account: its number
and activation date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from domain.formatting import display_phone, french_datetime, full_name
from domain.models import Details
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, country_label
from domain.rules import display_company_identifier
from domain.subscriber_number import format_subscriber_number

UNKNOWN_COMPANY = "Non trouvée"
COMPANY_NOTE = (
    "Si la raison sociale affichée est erronée, veuillez prendre contact avec votre Service des "
    "Impôts des Entreprises."
)
ANSWER_KEPT = "Enregistrée, elle n'est jamais réaffichée."


class Row(NamedTuple):
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of rows, with the note the sheet prints under it."""

    key: str  # stable, for the pages' element IDs
    title: str
    rows: tuple[Row, ...]
    note: str = ""


class Account(NamedTuple):
    """What activation added: the subscriber number and when the space was created."""

    subscriber_number: str
    activated_at: datetime
    # The last change of the contact details or the identifier (SPEC §6), if any.
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SubscriberView:
    email: str
    details: Details
    company_name: str | None
    account: Account | None = None

    @property
    def name(self) -> str:
        """« Madame ROSEMONDE Lila »."""
        d = self.details
        return full_name(d.civility, d.last_name, d.first_name)

    @property
    def company_identifier(self) -> str:
        company = self.details.company
        return display_company_identifier(company.foreign, company.identifier)

    @property
    def phone(self) -> str:
        contact = self.details.contact
        return display_phone(contact.phone, contact.country)

    @property
    def trust_question_label(self) -> str:
        question = self.details.trust_question
        return TRUST_QUESTIONS.get(question, question)

    def account_section(self) -> Section | None:
        if self.account is None:
            return None
        rows: tuple[Row, ...] = (
            Row("Numéro d'abonné", format_subscriber_number(self.account.subscriber_number)),
            Row("Date d'activation", french_datetime(self.account.activated_at)),
            Row("Identifiant", self.email),
        )
        if self.account.changed_at is not None:
            rows += (Row("Dernière modification", french_datetime(self.account.changed_at)),)
        return Section("espace", "Espace abonné", rows)

    def sections(self) -> tuple[Section, ...]:
        """Every value entered, in the order of the recap screen (the sheet's « Votre
        inscription »); the trust answer is never shown, only that it is kept."""
        d, contact = self.details, self.details.contact
        return (
            Section(
                "usager",
                "Usager",
                (
                    Row("Civilité", d.civility.label),
                    Row("Nom", d.last_name),
                    Row("Prénom", d.first_name),
                ),
            ),
            Section(
                "entreprise",
                "Entreprise d'appartenance",
                (
                    Row("Entreprise étrangère", "oui" if d.company.foreign else "non"),
                    Row("SIREN ou équivalent", self.company_identifier),
                    Row("Raison sociale", self.company_name or UNKNOWN_COMPANY),
                ),
                note=COMPANY_NOTE,
            ),
            Section(
                "contact",
                "Contact",
                (
                    Row("Numéro de téléphone professionnel", self.phone),
                    Row("Adresse mèl professionnelle", self.email),
                    Row("Numéro de la voie", contact.street_number),
                    Row(
                        "Nature de la voie",
                        STREET_TYPES.get(contact.street_type, contact.street_type),
                    ),
                    Row("Libellé de la voie", contact.street_name),
                    Row("Complément d'adresse", contact.address_complement),
                    Row("Code postal", contact.postal_code),
                    Row("Ville", contact.city),
                    Row("Pays", country_label(contact.country)),
                ),
            ),
            Section(
                "confiance",
                "Questions de confiance",
                (Row("Question", self.trust_question_label), Row("Réponse", ANSWER_KEPT)),
            ),
        )
