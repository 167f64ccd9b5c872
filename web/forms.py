"""From posted HTML forms to the domain's forms, and from field errors back to the page.

Field names in the HTML are the API's dotted paths (`contact.phone`), so a rule's error lands
next to its field without any mapping table.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from starlette.datastructures import FormData

from domain.errors import FieldError
from domain.models import CompanyForm, ContactForm, DetailsForm, IdentifiersForm, TrustForm

# The forms refuse longer strings; every rule's own limit is far below, so a longer value is
# cut here and the rule then reports it as too long, in French, next to its field.
_MAX_LENGTH = 1000

# Never shown back in a page, even after an error.
SECRET_FIELDS = frozenset(
    {
        "password",
        "password_confirmation",
        "trust.answer",
        "current_password",
        "new_password",
        "new_password_confirmation",
        "trust_answer",
        "code",
        "recovery_code",
    }
)

CONTACT_FIELDS = tuple(ContactForm.model_fields)

FormT = TypeVar("FormT", bound=BaseModel)


def text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value[:_MAX_LENGTH] if isinstance(value, str) else ""


def text_form(form: type[FormT], data: FormData, prefix: str = "") -> FormT:
    """A domain form whose every field is a text input named after it (behind `prefix`)."""
    return form(**{name: text(data, prefix + name) for name in form.model_fields})


def ticked(data: FormData, name: str) -> bool:
    return data.get(name) is not None


def kept_values(data: FormData) -> dict[str, str]:
    """What was typed, to fill the form again after an error: everything but the secrets."""
    return {
        name: text(data, name)
        for name in data
        if name not in SECRET_FIELDS and name != "csrf_token"
    }


def identifiers_form(data: FormData, *, terms_accepted: bool) -> IdentifiersForm:
    return IdentifiersForm(
        terms_accepted=terms_accepted,
        email=text(data, "email"),
        email_confirmation=text(data, "email_confirmation"),
        password=text(data, "password"),
        password_confirmation=text(data, "password_confirmation"),
    )


def details_form(data: FormData) -> DetailsForm:
    return DetailsForm(
        civility=text(data, "civility"),
        last_name=text(data, "last_name"),
        first_name=text(data, "first_name"),
        company=CompanyForm(
            foreign=ticked(data, "company.foreign"), identifier=text(data, "company.identifier")
        ),
        contact=text_form(ContactForm, data, "contact."),
        trust=TrustForm(question=text(data, "trust.question"), answer=text(data, "trust.answer")),
    )


def by_field(errors: list[FieldError]) -> dict[str, str]:
    """The first message of each field, in the order the rules reported them."""
    messages: dict[str, str] = {}
    for error in errors:
        messages.setdefault(error.field, error.message)
    return messages
