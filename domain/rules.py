"""Every field rule of the procedure (SPEC §2), in one place for the API, pages and workflow.

Each check returns normalised values or raises `InvalidFields` listing every broken rule at once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import get_cc_module, luhn
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren

from domain.errors import FieldError, InvalidFields
from domain.models import (
    AcceptanceForm,
    Company,
    Contact,
    ContactForm,
    Details,
    DetailsForm,
    IdentifiersForm,
    InvitationForm,
)
from domain.reference import FRANCE, STREET_TYPES, TRUST_QUESTIONS, Civility, country_codes

EMAIL_MAX = 100
PASSWORD_MIN, PASSWORD_MAX = 8, 20
NAME_MAX = 50
TEXT_MAX = 80
CITY_MAX = 60
TRUST_ANSWER_MAX = 100
REFERENCE_MAX = 100

# Used with fullmatch: a `$` anchor would let a trailing newline through.
_PASSWORD_CHARS = re.compile(r"[A-Za-z0-9]+")
_NAME = re.compile(r"[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*")
_STREET_NUMBER = re.compile(r"[0-9]{1,5}(?: ?[A-Za-z]{1,6})?")
_FR_POSTAL_CODE = re.compile(r"(?!00)[0-9]{5}")  # starts with a department, 01 to 98
_FOREIGN_POSTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{1,11}")
_FOREIGN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .\-/]{1,29}")
_SPACES = re.compile(r"\s+")
# A service's own reference for an invitation (API.md `external_reference`): an opaque key.
REFERENCE_PATTERN = r"[A-Za-z0-9._:-]+"
_REFERENCE = re.compile(REFERENCE_PATTERN)
_EU_VAT_PREFIXES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)

# VAT prefixes that differ from the ISO 3166 code.
_VAT_PREFIXES = {"GR": "EL"}

MESSAGES: dict[str, str] = {
    "required": "Ce champ est obligatoire.",
    "terms_not_accepted": "Vous devez accepter les conditions générales pour continuer.",
    "invalid_email": "L'adresse électronique n'est pas valide.",
    "email_too_long": f"L'adresse électronique ne doit pas dépasser {EMAIL_MAX} caractères.",
    "email_mismatch": "Les deux adresses électroniques ne sont pas identiques.",
    "password_too_short": f"Le mot de passe doit comporter au moins {PASSWORD_MIN} caractères.",
    "password_too_long": f"Le mot de passe ne doit pas dépasser {PASSWORD_MAX} caractères.",
    "password_invalid_characters": (
        "Le mot de passe ne peut contenir que des chiffres et des lettres non accentuées, "
        "sans espace."
    ),
    "password_mismatch": "Les deux mots de passe ne sont pas identiques.",
    "invalid_civility": "Choisissez Madame ou Monsieur.",
    "invalid_name": (
        "Seuls les lettres, les espaces, les traits d'union et les apostrophes sont autorisés."
    ),
    "name_too_long": f"Ce champ ne doit pas dépasser {NAME_MAX} caractères.",
    "invalid_siren": "Le numéro SIREN doit comporter 9 chiffres et être valide.",
    "invalid_foreign_identifier": "L'identifiant de l'entreprise étrangère n'est pas valide.",
    "foreign_identifier_is_french": (
        "Cet identifiant est celui d'une entreprise française : décochez « Entreprise étrangère » "
        "et saisissez son SIREN."
    ),
    "invalid_phone": "Le numéro de téléphone n'est pas valide.",
    "phone_wrong_country": "Le numéro de téléphone ne correspond pas au pays choisi.",
    "invalid_street_number": "Le numéro de la voie n'est pas valide (exemple : 12 ou 12 bis).",
    "invalid_street_type": "Choisissez la nature de la voie dans la liste.",
    "too_long": "Ce champ est trop long.",
    "invalid_postal_code": "Le code postal n'est pas valide (5 chiffres en France).",
    "invalid_country": "Choisissez un pays dans la liste.",
    "invalid_trust_question": "Choisissez une question de confiance dans la liste.",
    "trust_answer_too_long": (f"La réponse ne doit pas dépasser {TRUST_ANSWER_MAX} caractères."),
    "invalid_code": "Le code d'activation doit comporter 12 chiffres ou lettres.",
    "reference_too_long": f"La référence ne doit pas dépasser {REFERENCE_MAX} caractères.",
    "invalid_reference": (
        "La référence ne peut contenir que des lettres non accentuées, des chiffres, des points, "
        "des tirets, des tirets bas et des deux-points."
    ),
}


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str) -> None:
        self.errors.append(FieldError(field, code, MESSAGES[code]))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidFields(self.errors)


def _clean(value: str) -> str:
    """Compose accents (NFC: « é » typed as e + accent is one letter), trim, collapse spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def normalise_email(value: str) -> str:
    """The stored, compared form of an identifier: trimmed and lower-cased."""
    return value.strip().lower()


def email_error(value: str) -> str | None:
    email = value.strip()
    if not email:
        return "required"
    if len(email) > EMAIL_MAX:
        return "email_too_long"
    try:
        # No SMTPUTF8: the activation code must reach the address through any mail server.
        validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return "invalid_email"
    return None


def password_error(value: str) -> str | None:
    if not value:
        return "required"
    if not _PASSWORD_CHARS.fullmatch(value):
        return "password_invalid_characters"
    if len(value) < PASSWORD_MIN:
        return "password_too_short"
    if len(value) > PASSWORD_MAX:
        return "password_too_long"
    return None


def _check_email_twice(errors: _Collector, field: str, value: str, confirmation: str) -> None:
    """An identifier typed twice (`field` and `field`_confirmation): its rule, then the match."""
    if code := email_error(value):
        errors.add(field, code)
    if not confirmation.strip():
        errors.add(f"{field}_confirmation", "required")
    elif normalise_email(confirmation) != normalise_email(value):
        errors.add(f"{field}_confirmation", "email_mismatch")


def _check_password_twice(errors: _Collector, field: str, value: str, confirmation: str) -> None:
    """A new password typed twice (`field` and `field`_confirmation): its rule, then the match."""
    if code := password_error(value):
        errors.add(field, code)
    if not confirmation:
        errors.add(f"{field}_confirmation", "required")
    elif confirmation != value:
        errors.add(f"{field}_confirmation", "password_mismatch")


def check_identifiers(form: IdentifiersForm) -> str:
    """Check step 1 (terms + identifiers); return the normalised identifier."""
    errors = _Collector()
    if not form.terms_accepted:
        errors.add("terms_accepted", "terms_not_accepted")
    _check_email_twice(errors, "email", form.email, form.email_confirmation)
    _check_password_twice(errors, "password", form.password, form.password_confirmation)
    errors.raise_if_any()
    return normalise_email(form.email)


def check_password(
    value: str, confirmation: str, field: str = "password", required: tuple[str, ...] = ()
) -> None:
    """The password rule alone, for a new password after sign-up. `required` names other
    fields of the same form that were left empty (reported in the same answer)."""
    errors = _Collector()
    for name in required:
        errors.add(name, "required")
    _check_password_twice(errors, field, value, confirmation)
    errors.raise_if_any()


def check_new_email(value: str, confirmation: str, required: tuple[str, ...] = ()) -> str:
    """A new identifier and its confirmation (« Modifier mon adresse électronique »)."""
    errors = _Collector()
    for name in required:
        errors.add(name, "required")
    _check_email_twice(errors, "new_email", value, confirmation)
    errors.raise_if_any()
    return normalise_email(value)


def require(fields: dict[str, str]) -> None:
    """Refuse, all at once, the named fields that were left empty."""
    errors = _Collector()
    for name, value in fields.items():
        if not value.strip():
            errors.add(name, "required")
    errors.raise_if_any()


def _check_name(errors: _Collector, field: str, value: str) -> str:
    name = _clean(value)
    if not name:
        errors.add(field, "required")
    elif len(name) > NAME_MAX:
        errors.add(field, "name_too_long")
    elif not _NAME.fullmatch(name):
        errors.add(field, "invalid_name")
    return name


def compact_siren(value: str) -> str | None:
    """The 9 digits of a valid SIREN (spaces, dots and dashes allowed on input), else None."""
    try:
        return str(siren.validate(value))
    except StdnumError:
        return None


def format_siren(value: str) -> str:
    return str(siren.format(value)) if len(value) == 9 else value


def display_company_identifier(foreign: bool, identifier: str) -> str:
    """A SIREN in groups of three (« 732 829 320 »); a foreign identifier as stored."""
    return identifier if foreign else format_siren(identifier)


def _country_vat_rule(country: str) -> Any:
    """python-stdnum's VAT rule for a country (e.g. GB, CH, NO), or None when it knows none."""
    try:
        return get_cc_module(country.lower(), "vat")
    except ValueError:  # not a country code stdnum accepts
        return None


def foreign_identifier_error(compact: str, country: str) -> str | None:
    """The foreign « équivalent » of a SIREN, validated where its format is known.

    `compact` has no spaces, dots, dashes or slashes and is upper-cased; `country` is the
    contact's country. A VAT number written with the chosen country's prefix is checked with
    that country's rule when python-stdnum knows one (every EU country, GB, CH, NO …); an EU
    prefix followed by digits is checked as an EU VAT number whatever the address. Anything
    else (a register number such as « HRB 12345 ») only has to look like an identifier.
    """
    prefix = compact[:2]
    if prefix == FRANCE or (
        country == FRANCE and len(compact) == 9 and compact.isdigit() and luhn.is_valid(compact)
    ):
        return "foreign_identifier_is_french"
    if country and prefix == _VAT_PREFIXES.get(country, country):
        rule = _country_vat_rule(country)
        if rule is not None:
            return None if rule.is_valid(compact) else "invalid_foreign_identifier"
    if prefix in _EU_VAT_PREFIXES and compact[2:3].isdigit():
        return None if eu_vat.is_valid(compact) else "invalid_foreign_identifier"
    return None if _FOREIGN_ID.fullmatch(compact) else "invalid_foreign_identifier"


def _check_company(errors: _Collector, form_foreign: bool, raw: str, country: str) -> Company:
    field = "company.identifier"
    value = _clean(raw)
    if not value:
        errors.add(field, "required")
        return Company(foreign=form_foreign, identifier="")
    if not form_foreign:
        compact = compact_siren(value)
        if compact is None:
            errors.add(field, "invalid_siren")
            return Company(foreign=False, identifier=value)
        return Company(foreign=False, identifier=compact)
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    if code := foreign_identifier_error(compact, country):
        errors.add(field, code)
    return Company(foreign=True, identifier=compact)


def _check_phone(errors: _Collector, raw: str, country: str) -> str:
    field = "contact.phone"
    value = raw.strip()
    if not value:
        errors.add(field, "required")
        return ""
    region = country if country in country_codes() else FRANCE
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        errors.add(field, "invalid_phone")
        return value
    if not phonenumbers.is_valid_number(number):
        errors.add(field, "invalid_phone")
        return value
    if not phonenumbers.is_valid_number_for_region(number, region):
        errors.add(field, "phone_wrong_country")
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_text(errors: _Collector, field: str, raw: str, limit: int = TEXT_MAX) -> str:
    value = _clean(raw)
    if len(value) > limit:
        errors.add(field, "too_long")
    return value


def _country(form: ContactForm) -> str:
    return form.country.strip().upper() or FRANCE


def _check_contact(errors: _Collector, form: ContactForm) -> Contact:
    country = _country(form)
    if country not in country_codes():
        errors.add("contact.country", "invalid_country")
    street_number = _clean(form.street_number)
    if street_number and not _STREET_NUMBER.fullmatch(street_number):
        errors.add("contact.street_number", "invalid_street_number")
    street_type = form.street_type.strip().upper()
    if street_type and street_type not in STREET_TYPES:
        errors.add("contact.street_type", "invalid_street_type")
    postal_code = _clean(form.postal_code).upper()
    if postal_code:
        pattern = _FR_POSTAL_CODE if country == FRANCE else _FOREIGN_POSTAL_CODE
        if not pattern.fullmatch(postal_code):
            errors.add("contact.postal_code", "invalid_postal_code")
    city = _check_text(errors, "contact.city", form.city, CITY_MAX)
    if not city:
        errors.add("contact.city", "required")
    return Contact(
        phone=_check_phone(errors, form.phone, country),
        street_number=street_number,
        street_type=street_type,
        street_name=_check_text(errors, "contact.street_name", form.street_name),
        address_complement=_check_text(
            errors, "contact.address_complement", form.address_complement
        ),
        postal_code=postal_code,
        city=city,
        country=country,
    )


def check_contact(form: ContactForm) -> Contact:
    """« Mes coordonnées »: phone and postal address, under the enrollment's rules (SPEC §2)."""
    errors = _Collector()
    contact = _check_contact(errors, form)
    errors.raise_if_any()
    return contact


def normalise_trust_answer(value: str) -> str:
    """Compare answers ignoring case, accents and surrounding or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _clean(stripped).casefold()


@dataclass(frozen=True, slots=True)
class CheckedDetails:
    details: Details
    trust_answer: str  # normalised, to be hashed; never stored or sent as is; "" keeps the old one


@dataclass(frozen=True, slots=True)
class _Identity:
    """What a person and a service both give, as checked; made Details once no error is left
    (the civility is then one of Civility's)."""

    civility: str
    last_name: str
    first_name: str
    company: Company
    contact: Contact

    def details(self, trust_question: str) -> Details:
        return Details(
            civility=Civility(self.civility),
            last_name=self.last_name,
            first_name=self.first_name,
            company=self.company,
            contact=self.contact,
            trust_question=trust_question,
        )


def _check_identity(errors: _Collector, form: DetailsForm | InvitationForm) -> _Identity:
    """Civility, names, company and contact: what a person and a service both give."""
    civility = form.civility.strip().lower()
    if not civility:
        errors.add("civility", "required")
    elif civility not in {c.value for c in Civility}:
        errors.add("civility", "invalid_civility")
    last_name = _check_name(errors, "last_name", form.last_name)
    first_name = _check_name(errors, "first_name", form.first_name)
    company = _check_company(
        errors, form.company.foreign, form.company.identifier, _country(form.contact)
    )
    contact = _check_contact(errors, form.contact)
    return _Identity(civility, last_name, first_name, company, contact)


def _check_trust(
    errors: _Collector, question: str, raw_answer: str, previous_question: str | None = None
) -> str:
    """The trust question (one of the list) and its normalised answer."""
    if not question:
        errors.add("trust.question", "required")
    elif question not in TRUST_QUESTIONS:
        errors.add("trust.question", "invalid_trust_question")
    answer = normalise_trust_answer(raw_answer)
    if not answer and not (previous_question and previous_question == question):
        errors.add("trust.answer", "required")
    elif len(answer) > TRUST_ANSWER_MAX:
        errors.add("trust.answer", "trust_answer_too_long")
    return answer


def check_details(form: DetailsForm, previous_question: str | None = None) -> CheckedDetails:
    """Check step 2 (« Votre inscription »).

    When the details are edited (`previous_question` is the question answered before), a blank
    answer to the same question keeps the previous answer: it is never shown back.
    """
    errors = _Collector()
    identity = _check_identity(errors, form)
    question = form.trust.question.strip()
    answer = _check_trust(errors, question, form.trust.answer, previous_question)
    errors.raise_if_any()
    return CheckedDetails(details=identity.details(question), trust_answer=answer)


@dataclass(frozen=True, slots=True)
class CheckedInvitation:
    external_reference: str
    email: str
    details: Details  # no trust question yet: the person chooses it when accepting


def check_invitation(form: InvitationForm) -> CheckedInvitation:
    """A service's invitation (SPEC §8): its reference, the identifier and the §2 rules of the
    details it knows, every error at once."""
    errors = _Collector()
    reference = form.external_reference.strip()
    if not reference:
        errors.add("external_reference", "required")
    elif len(reference) > REFERENCE_MAX:
        errors.add("external_reference", "reference_too_long")
    elif not _REFERENCE.fullmatch(reference):
        errors.add("external_reference", "invalid_reference")
    if code := email_error(form.email):
        errors.add("email", code)
    identity = _check_identity(errors, form)
    errors.raise_if_any()
    # No trust question yet: the person chooses it when accepting.
    return CheckedInvitation(reference, normalise_email(form.email), identity.details(""))


@dataclass(frozen=True, slots=True)
class CheckedAcceptance:
    trust_question: str
    trust_answer: str  # normalised, to be hashed
    contact: Contact | None  # None keeps the invited contact


def check_acceptance(
    form: AcceptanceForm, *, terms: bool = True, required: dict[str, str] | None = None
) -> CheckedAcceptance:
    """What the invited person adds (SPEC §8): the terms, the password under the §2 rules, the
    trust question and answer, a corrected contact if any; every error at once. `terms=False`
    when the terms were accepted on a screen of their own; `required` names other fields of
    the same request (the identifier, the code) whose emptiness is reported in the same answer."""
    errors = _Collector()
    for name, value in (required or {}).items():
        if not value.strip():
            errors.add(name, "required")
    if terms and not form.terms_accepted:
        errors.add("terms_accepted", "terms_not_accepted")
    _check_password_twice(errors, "password", form.password, form.password_confirmation)
    question = form.trust.question.strip()
    answer = _check_trust(errors, question, form.trust.answer)
    contact = _check_contact(errors, form.contact) if form.contact is not None else None
    errors.raise_if_any()
    return CheckedAcceptance(question, answer, contact)
