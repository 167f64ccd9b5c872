"""The subscriber's details the load driver sends, and the tests too: valid by every rule, the
company one the embedded registry knows."""

from __future__ import annotations

from typing import Any

DETAILS: dict[str, Any] = {
    "civility": "madame",
    "last_name": "Rosemonde",
    "first_name": "Lila",
    "company": {"foreign": False, "identifier": "732 829 320"},
    "contact": {
        "phone": "01 23 45 67 89",
        "street_number": "12",
        "street_type": "RUE",
        "street_name": "de la Paix",
        "address_complement": "Bâtiment B",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
    },
    "trust": {"question": "nickname", "answer": "Tâta"},
}


def invitation_body(email: str) -> dict[str, Any]:
    """What a backend service sends to invite (API.md « Services »): the same person, without
    the trust question, which only the invited person gives."""
    fields = ("civility", "last_name", "first_name", "company", "contact")
    return {"external_reference": f"bench-{email.partition('@')[0]}", "email": email} | {
        name: DETAILS[name] for name in fields
    }
