"""Saved values put back into the forms, to be edited again (« Étape précédente »).

How values read elsewhere on a page is the subscriber's view (domain.subscriber_view).
"""

from __future__ import annotations

from domain.formatting import display_phone
from domain.models import Details
from domain.rules import display_company_identifier


def details_values(details: Details) -> dict[str, str]:
    """Saved details as form values, named as the form's fields."""
    values = {
        "civility": details.civility.value,
        "last_name": details.last_name,
        "first_name": details.first_name,
        "company.identifier": display_company_identifier(
            details.company.foreign, details.company.identifier
        ),
        "trust.question": details.trust_question,
    }
    if details.company.foreign:
        values["company.foreign"] = "on"
    contact = details.contact.model_dump()
    contact["phone"] = display_phone(details.contact.phone, details.contact.country)
    values.update({f"contact.{name}": str(value) for name, value in contact.items()})
    return values
