"""Reading the API's answers: problem documents (RFC 9457), the fields a 422 names, and the
secrets no answer may carry."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx

PROBLEM = "application/problem+json"

# docs/rules.md's table of field errors, code → French message, written out (the product's
# own table is what is under test).
RULE_MESSAGES = {
    "required": "Ce champ est obligatoire.",
    "terms_not_accepted": "Vous devez accepter les conditions générales pour continuer.",
    "invalid_email": "L'adresse électronique n'est pas valide.",
    "email_too_long": "L'adresse électronique ne doit pas dépasser 100 caractères.",
    "email_mismatch": "Les deux adresses électroniques ne sont pas identiques.",
    "password_too_short": "Le mot de passe doit comporter au moins 8 caractères.",
    "password_too_long": "Le mot de passe ne doit pas dépasser 20 caractères.",
    "password_invalid_characters": (
        "Le mot de passe ne peut contenir que des chiffres et des lettres non accentuées, "
        "sans espace."
    ),
    "password_mismatch": "Les deux mots de passe ne sont pas identiques.",
    "invalid_civility": "Choisissez Madame ou Monsieur.",
    "invalid_name": (
        "Seuls les lettres, les espaces, les traits d'union et les apostrophes sont autorisés."
    ),
    "name_too_long": "Ce champ ne doit pas dépasser 50 caractères.",
    "invalid_siren": "Le numéro SIREN doit comporter 9 chiffres et être valide.",
    "invalid_foreign_identifier": "L'identifiant de l'entreprise étrangère n'est pas valide.",
    "foreign_identifier_is_french": (
        "Cet identifiant est celui d'une entreprise française : décochez « Entreprise "
        "étrangère » et saisissez son SIREN."
    ),
    "invalid_phone": "Le numéro de téléphone n'est pas valide.",
    "phone_wrong_country": "Le numéro de téléphone ne correspond pas au pays choisi.",
    "invalid_street_number": "Le numéro de la voie n'est pas valide (exemple : 12 ou 12 bis).",
    "invalid_street_type": "Choisissez la nature de la voie dans la liste.",
    "too_long": "Ce champ est trop long.",
    "invalid_postal_code": "Le code postal n'est pas valide (5 chiffres en France).",
    "invalid_country": "Choisissez un pays dans la liste.",
    "invalid_trust_question": "Choisissez une question de confiance dans la liste.",
    "trust_answer_too_long": "La réponse ne doit pas dépasser 100 caractères.",
    "invalid_code": "Le code d'activation doit comporter 12 chiffres ou lettres.",
}


def problem(response: httpx.Response, status: int, code: str | None = None) -> Any:
    """The problem document of `response`, which must have this status (and code, if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def fields(response: httpx.Response) -> dict[str, str]:
    """A 422's invalid fields → their codes, each error well formed and its message the rule's."""
    body = problem(response, 422, "invalid_fields")
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", error["field"]), error
        assert re.fullmatch(r"[a-z_]+", error["code"]), error
        if error["code"] in RULE_MESSAGES:
            assert error["message"] == RULE_MESSAGES[error["code"]], error
        assert error["message"] and error["message"] != error["code"]
    return {e["field"]: e["code"] for e in body["errors"]}


def assert_never_echoed(responses: Iterable[httpx.Response], *secrets: str) -> None:
    for response in responses:
        if response.headers.get("content-type", "").startswith("application/pdf"):
            continue  # compressed: the recap's own tests read its text
        for secret in secrets:
            assert secret not in response.text, response.request.url
            assert secret not in str(response.headers), response.request.url
