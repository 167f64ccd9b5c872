"""What the OpenAPI document declares of a request, beyond what the parser checks.

The request bodies are lenient for the parser (plain strings, empty by default): the rules
(`domain/rules.py`, the services) decide what is wrong and answer every broken rule at once, in
French (application/problem+json). Pydantic constraints (`min_length`, `pattern`, …) would
refuse first, one parser error at a time. Yet the document must state what the API enforces:
backends generate clients from it and fuzzers build "valid" requests from it.

So the constraints are declared for the document only, with `declared(...)`: JSON Schema keywords
that pydantic puts in the schema and never checks. A member the rules require is declared with
`required=True`; `Body` (the base of every request body) lists those in the schema's `required`
and drops their meaningless default. Path parameters get the shape of what the product issues
with `path_id(...)`. How to add a body: docs/api.md « Declaring what a new body enforces ».
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from domain.codes import CODE_LENGTH
from domain.reference import FRANCE, STREET_TYPES, TRUST_QUESTIONS, Civility, country_codes
from domain.rules import (
    CITY_MAX,
    EMAIL_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    TEXT_MAX,
    TRUST_ANSWER_MAX,
)

_REQUIRED = "x-declared-required"  # a marker `Body` turns into the schema's `required`


def declared(*, required: bool = False, **keywords: Any) -> Any:
    """JSON Schema keywords for the document only (pydantic does not enforce them)."""
    if required:
        keywords[_REQUIRED] = True
    return Field(json_schema_extra=keywords)


_STRING_KEYWORDS = ("pattern", "minLength", "maxLength", "format")


def _complete(schema: dict[str, Any], model: type[BaseModel]) -> None:
    required: list[str] = schema.setdefault("required", [])
    for name, member in schema.get("properties", {}).items():
        for branch in member.get("anyOf", []):  # `str | None`: the string's shape on the string
            if branch.get("type") == "string":
                branch.update({k: member.pop(k) for k in _STRING_KEYWORDS if k in member})
        if member.pop(_REQUIRED, False):
            member.pop("default", None)  # a required member has no default to fall back on
            if name not in required and not getattr(model, "partial", False):
                required.append(name)
    if not required:
        del schema["required"]
    schema.update(getattr(model, "declared_rules", {}))


class Body(BaseModel):
    """The base of a request body: its `declared(required=True)` members are `required`; the
    class variable `declared_rules` adds keywords on the whole object (`if`/`then`: a member's
    shape that depends on another's); `partial = True` (a PATCH) requires nothing, each member
    keeping its shape when it is sent."""

    model_config = ConfigDict(json_schema_extra=_complete)
    declared_rules: ClassVar[dict[str, Any]] = {}
    partial: ClassVar[bool] = False


def path_id(pattern: str, description: str) -> Any:
    """A path parameter's shape: what the product issues. Any other value answers 404, the
    answer for an identifier that names nothing, so the declaration is for the document only."""
    return Path(description=description, json_schema_extra={"pattern": pattern})


# -- The members the rules know (SPEC §2, docs/rules.md) ---------------------------------------
# Patterns are anchored, use ASCII classes and no lookbehind (one lookahead, for the e-mail),
# which ECMA-262 (JSON Schema's dialect) and Python's `re` read alike. Where the rules accept more
# than a pattern can say simply (spaces around a value, lower case for a code list), the pattern
# states the plain form; where they refuse what a pattern cannot see (a Luhn key, a numbering
# plan), docs/api.md lists it under « What no schema can say ».

# A JSON boolean, as the document says: pydantic's lax mode would also take 0, 1 or "yes". Any
# other value is answered 422 `invalid_type` (rules.md), like any value of the wrong JSON type.
Flag = StrictBool

# Unanchored: at least one character the rules do not trim. Python trims what `str.isspace`
# calls a space, which is JSON Schema's `\s` and five more: the information separators
# U+001C-U+001F and U+0085 (a city of only U+001F passed the document and the rules said
# `required`).
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


# email-validator refuses the special-use domains (RFC 6761: .test, .localhost …) even without
# checking deliverability; no JSON Schema `format` says so.
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
# The top-level domain starts with a letter (email-validator refuses an all-numeric one).
EMAIL_PATTERN = rf"^(?!\S*[.@](?:{_SPECIAL_USE})$)[^\s@]+@[^\s@]+\.[A-Za-z][A-Za-z0-9-]*$"
Email = Annotated[
    str,
    declared(
        required=True, format="email", pattern=EMAIL_PATTERN, minLength=1, maxLength=EMAIL_MAX
    ),
]
Password = Annotated[
    str,
    Field(repr=False),
    declared(
        required=True,
        pattern=f"^[A-Za-z0-9]{{{PASSWORD_MIN},{PASSWORD_MAX}}}$",
        minLength=PASSWORD_MIN,
        maxLength=PASSWORD_MAX,
    ),
]
# A secret the subscriber already holds (current password, trust answer): only its presence is
# the document's to state; whether it is the right one is the API's (403 or 422).
Secret = Annotated[str, Field(repr=False), declared(required=True, minLength=1, pattern=NOT_BLANK)]
Code = Annotated[
    str,
    Field(repr=False),
    declared(
        required=True,
        pattern=f"^[A-Za-z0-9]{{{CODE_LENGTH}}}$",
        minLength=CODE_LENGTH,
        maxLength=CODE_LENGTH,
        description="Le code reçu : 12 chiffres ou lettres, majuscules et minuscules respectées.",
    ),
]
# 9 digits, a space or a dot allowed between the groups of three (and a Luhn key).
SIREN_PATTERN = r"^[0-9]{3}[ .]?[0-9]{3}[ .]?[0-9]{3}$"
Siren = Annotated[str, declared(required=True, pattern=SIREN_PATTERN, minLength=9, maxLength=11)]
# A foreign company's « équivalent »: letters and digits, with spaces, dots, dashes or slashes.
FOREIGN_IDENTIFIER_PATTERN = r"^[A-Za-z0-9](?:[ .\-/]?[A-Za-z0-9]){1,29}$"

Civility_ = Annotated[str, declared(required=True, enum=[c.value for c in Civility])]
# Letters (ASCII and Latin-1's accented ones: part of the rule's "any letter"), with spaces,
# hyphens or apostrophes between them.
_LETTERS = "A-Za-zÀ-ÖØ-öø-ÿ"
Name = Annotated[
    str,
    declared(
        required=True,
        pattern=f"^[{_LETTERS}]+(?:[ '’-]+[{_LETTERS}]+)*$",
        minLength=1,
        maxLength=NAME_MAX,
    ),
]
# A French number, national or international form; the numbering plan's gaps (overseas
# ranges, 040…) are left out. Any country: its numbering plan (docs/api.md).
FRENCH_PHONE_PATTERN = (
    r"^(?:0|\+33 ?)(?:[139][ .]?[0-9]{2}|2[ .]?(?:[0-57-9][0-9]|6[013-9])|4[ .]?[1-9][0-9]"
    r"|5[ .]?(?:[0-8][0-9]|9[1-35-9]))(?:[ .]?[0-9]{2}){3}$"
)
Phone = Annotated[
    str, declared(required=True, minLength=1, maxLength=30, pattern=r"^\+?[0-9][0-9 .()/-]{3,28}$")
]
StreetNumber = Annotated[str, declared(pattern=r"^(?:[0-9]{1,5}(?: ?[A-Za-z]{1,6})?)?$")]
StreetType = Annotated[str, declared(enum=["", *STREET_TYPES])]
Text = Annotated[str, declared(maxLength=TEXT_MAX)]
City = Annotated[str, declared(required=True, minLength=1, maxLength=CITY_MAX, pattern=NOT_BLANK)]
FRENCH_POSTAL_CODE_PATTERN = r"^(?:0[1-9]|[1-9][0-9])[0-9]{3}$"  # a department first: not 00
_FOREIGN_POSTAL_CODE = r"[A-Za-z0-9][A-Za-z0-9 -]{0,10}[A-Za-z0-9-]"
PostalCode = Annotated[str, declared(pattern=f"^(?:{_FOREIGN_POSTAL_CODE})?$", maxLength=12)]
Country = Annotated[str, declared(enum=["", *sorted(country_codes())])]  # "": France
TrustQuestion = Annotated[str, declared(required=True, enum=list(TRUST_QUESTIONS))]
# Required at the first answer; when the details are edited, left empty it keeps the answer
# already given to the same question, which only the server knows.
TrustAnswer = Annotated[
    str,
    Field(repr=False),
    declared(
        maxLength=TRUST_ANSWER_MAX,
        description=(
            "Obligatoire à la première saisie et quand la question change ; laissée vide, "
            "la réponse déjà donnée à la même question est gardée."
        ),
    ),
]


def french_contact_rules(partial: bool) -> dict[str, Any]:
    """In France (the country given as FR, or left out at enrollment, where it means France),
    the phone and the postal code have a French shape. In a PATCH, a country left out is the
    stored one, which the document cannot know: a postal code sent alone has the French shape,
    the one every country's rule accepts."""
    french_postal_code = {"pattern": f"^(?:{FRENCH_POSTAL_CODE_PATTERN[1:-1]})?$"}
    in_france: dict[str, Any] = {"properties": {"country": {"enum": [FRANCE, ""]}}}
    if partial:
        in_france["required"] = ["country"]
    rules: list[dict[str, Any]] = [
        {
            "if": in_france,
            "then": {
                "properties": {
                    "phone": {"pattern": FRENCH_PHONE_PATTERN},
                    "postal_code": french_postal_code,
                }
            },
        }
    ]
    if partial:
        rules.append(
            {
                "if": {"not": {"required": ["country"]}},
                "then": {"properties": {"postal_code": french_postal_code}},
            }
        )
    return {"allOf": rules}
