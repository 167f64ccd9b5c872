"""Every field rule of SPEC §2 (domain.rules): valid inputs pass, each known bad class is refused
with its stable code, and every broken rule is reported at once."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from domain.codes import is_code_shaped
from domain.errors import InvalidFields
from domain.models import DetailsForm, IdentifiersForm
from domain.reference import STREET_TYPES, TRUST_QUESTIONS, country_codes
from domain.rules import (
    EMAIL_MAX,
    MESSAGES,
    NAME_MAX,
    check_details,
    check_identifiers,
    check_password,
    normalise_email,
    normalise_trust_answer,
)
from tests.support import details, identifiers, typed_details

ALNUM = string.ascii_letters + string.digits
ACCENTED = "àâäéèêëîïôöùûüçÀÂÉÈÊËÎÏÔÖÙÛÜÇœæ"
SIGNS = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t"

# -- helpers ------------------------------------------------------------------------------------


def identifier_errors(**overrides: Any) -> dict[str, str]:
    form = identifiers("lila@exemple.fr") | overrides
    try:
        check_identifiers(IdentifiersForm(**form))
    except InvalidFields as error:
        return {e.field: e.code for e in error.errors}
    return {}


def details_errors(previous_question: str | None = None, **overrides: Any) -> dict[str, str]:
    try:
        check_details(DetailsForm(**details(**overrides)), previous_question)
    except InvalidFields as error:
        assert all(e.message == MESSAGES[e.code] for e in error.errors)
        return {e.field: e.code for e in error.errors}
    return {}


def contact(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = details()["contact"]
    return base | overrides


def company(identifier: str, *, foreign: bool = False) -> dict[str, Any]:
    return {"foreign": foreign, "identifier": identifier}


# -- strategies ---------------------------------------------------------------------------------

passwords = st.text(alphabet=ALNUM, min_size=8, max_size=20)
# No "--": labels like "ab--c" are reserved by IDNA and rightly refused.
_label = st.from_regex(r"[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,2}", fullmatch=True)
_local = st.from_regex(r"[a-z0-9](?:[a-z0-9._+-]{0,20}[a-z0-9])?", fullmatch=True).filter(
    lambda s: ".." not in s
)
emails = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    _local,
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["fr", "com", "eu", "org", "gouv.fr"]),
).filter(lambda e: len(e) <= EMAIL_MAX)
_word = st.text(alphabet=string.ascii_letters + ACCENTED, min_size=1, max_size=10)
names = st.builds(
    lambda first, rest: first + "".join(sep + word for sep, word in rest),
    _word,
    st.lists(st.tuples(st.sampled_from([" ", "-", "'"]), _word), max_size=3),
).filter(lambda n: len(n) <= NAME_MAX)
_siren_bodies = st.text(alphabet=string.digits, min_size=8, max_size=8)
sirens = _siren_bodies.map(lambda body: body + luhn.calc_check_digit(body))
french_postal_codes = st.from_regex(r"(0[1-9]|[1-9][0-9])[0-9]{3}", fullmatch=True)
regions = st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS & country_codes()))


# -- identifiers (step 1) -----------------------------------------------------------------------


@given(email=emails, password=passwords)
def test_valid_identifiers_are_accepted_and_normalised(email: str, password: str) -> None:
    shouted = email.upper()
    form = IdentifiersForm(**identifiers(shouted, password) | {"email_confirmation": email})
    assert check_identifiers(form) == email.lower() == normalise_email(f"  {shouted} ")


def test_terms_must_be_accepted() -> None:
    assert identifier_errors(terms_accepted=False) == {"terms_accepted": "terms_not_accepted"}


@given(password=st.text(alphabet=ALNUM, min_size=21, max_size=60))
def test_password_over_20_characters_is_refused(password: str) -> None:
    errors = identifier_errors(password=password, password_confirmation=password)
    assert errors == {"password": "password_too_long"}


@given(password=st.text(alphabet=ALNUM, min_size=1, max_size=7))
def test_password_under_8_characters_is_refused(password: str) -> None:
    errors = identifier_errors(password=password, password_confirmation=password)
    assert errors == {"password": "password_too_short"}


@given(
    password=passwords,
    bad=st.sampled_from(ACCENTED + SIGNS + "\n"),
    position=st.integers(min_value=0, max_value=20),
)
def test_password_with_an_accent_a_space_or_a_sign_is_refused(
    password: str, bad: str, position: int
) -> None:
    candidate = password[:position] + bad + password[position:]
    assume(len(candidate) <= 20)
    errors = identifier_errors(password=candidate, password_confirmation=candidate)
    assert errors == {"password": "password_invalid_characters"}


def test_password_rule_examples() -> None:
    assert identifier_errors(password="", password_confirmation="") == {
        "password": "required",
        "password_confirmation": "required",
    }
    assert identifier_errors(password="a" * 20, password_confirmation="a" * 20) == {}
    assert identifier_errors(password="abcd1234\n", password_confirmation="abcd1234\n") == {
        "password": "password_invalid_characters"
    }


@given(password=passwords, other=passwords)
def test_mismatched_password_confirmation_is_refused(password: str, other: str) -> None:
    assume(password != other)
    errors = identifier_errors(password=password, password_confirmation=other)
    assert errors == {"password_confirmation": "password_mismatch"}


def test_check_password_alone() -> None:
    check_password("Nouveau2026", "Nouveau2026")
    with pytest.raises(InvalidFields) as refused:
        check_password("court", "autre", field="new_password")
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("new_password", "password_too_short"),
        ("new_password_confirmation", "password_mismatch"),
    }


@given(email=emails, other=emails)
def test_mismatched_email_confirmation_is_refused(email: str, other: str) -> None:
    assume(email.lower() != other.lower())
    assert identifier_errors(email=email, email_confirmation=other) == {
        "email_confirmation": "email_mismatch"
    }


@given(extra=st.integers(min_value=1, max_value=40))
def test_email_over_100_characters_is_refused(extra: int) -> None:
    domain = "a" * 50 + "." + "b" * 40 + ".fr"  # valid labels, so length is the only fault
    email = "x" * (EMAIL_MAX - len(domain) - 1 + extra) + "@" + domain
    assert len(email) == EMAIL_MAX + extra
    errors = identifier_errors(email=email, email_confirmation=email)
    assert errors == {"email": "email_too_long"}


def test_email_of_exactly_100_characters_is_accepted() -> None:
    domain = "a" * 50 + "." + "b" * 40 + ".fr"
    email = "x" * (EMAIL_MAX - len(domain) - 1) + "@" + domain
    assert len(email) == EMAIL_MAX
    assert identifier_errors(email=email, email_confirmation=email) == {}


@pytest.mark.parametrize(
    "email",
    [
        "lila",
        "lila@",
        "@exemple.fr",
        "lila@@exemple.fr",
        "li la@exemple.fr",
        "lila@exemple",
        "lila@exemple..fr",
        "lila.@exemple.fr",
        "<lila@exemple.fr>",
        "Lila <lila@exemple.fr>",
        "josé@exemple.fr",
        '"lila rose"@exemple.fr',
    ],
)
def test_invalid_email_is_refused(email: str) -> None:
    assert identifier_errors(email=email, email_confirmation=email) == {"email": "invalid_email"}


@given(junk=st.text(alphabet=string.ascii_letters + " ,;", min_size=1, max_size=30))
def test_text_without_an_at_sign_is_not_an_email(junk: str) -> None:
    assume(junk.strip())
    assert identifier_errors(email=junk, email_confirmation=junk) == {"email": "invalid_email"}


def test_every_identifier_error_at_once() -> None:
    errors = identifier_errors(
        terms_accepted=False,
        email="pas-un-mail",
        email_confirmation="autre@exemple.fr",
        password="é",
        password_confirmation="x",
    )
    assert errors == {
        "terms_accepted": "terms_not_accepted",
        "email": "invalid_email",
        "email_confirmation": "email_mismatch",
        "password": "password_invalid_characters",
        "password_confirmation": "password_mismatch",
    }


# -- identity -----------------------------------------------------------------------------------


def test_the_sample_details_are_valid() -> None:
    checked = check_details(DetailsForm(**details()))
    assert checked.details.company.identifier == "732829320"
    assert checked.details.contact.phone == "+33123456789"
    assert checked.trust_answer == "tata"
    # The whole of it, as the tests' helpers write it out (tests.support.TYPED_DETAILS).
    assert checked.details == typed_details()


@pytest.mark.parametrize("civility", ["madame", "Monsieur", " MADAME "])
def test_civility_is_madame_or_monsieur(civility: str) -> None:
    assert details_errors(civility=civility) == {}


@pytest.mark.parametrize("civility", ["mademoiselle", "M.", "docteur"])
def test_other_civilities_are_refused(civility: str) -> None:
    assert details_errors(civility=civility) == {"civility": "invalid_civility"}


@given(last=names, first=names)
def test_names_of_letters_spaces_hyphens_apostrophes_are_accepted(last: str, first: str) -> None:
    checked = check_details(DetailsForm(**details(last_name=f"  {last} ", first_name=first)))
    assert checked.details.last_name == last and checked.details.first_name == first


def test_names_are_composed_and_trimmed() -> None:
    checked = check_details(DetailsForm(**details(first_name=" Rene\u0301e   Anne ")))
    assert checked.details.first_name == "Renée Anne"


@given(name=names, digit=st.sampled_from(string.digits), position=st.integers(0, NAME_MAX))
def test_names_with_digits_are_refused(name: str, digit: str, position: int) -> None:
    candidate = name[:position] + digit + name[position:]
    assume(len(candidate) <= NAME_MAX)
    assert details_errors(last_name=candidate) == {"last_name": "invalid_name"}


@pytest.mark.parametrize("name", ["Lila!", "O'", "-Lila", "Lila_Rose", "Lila@", "L.ila"])
def test_names_with_other_signs_are_refused(name: str) -> None:
    assert details_errors(first_name=name) == {"first_name": "invalid_name"}


def test_names_are_required_and_of_sane_length() -> None:
    assert details_errors(last_name="  ", first_name="") == {
        "last_name": "required",
        "first_name": "required",
    }
    assert details_errors(last_name="a" * (NAME_MAX + 1)) == {"last_name": "name_too_long"}


# -- company ------------------------------------------------------------------------------------


@given(siren=sirens, separators=st.lists(st.sampled_from(["", " ", "  "]), min_size=9, max_size=9))
def test_luhn_valid_sirens_are_accepted_spaces_allowed(siren: str, separators: list[str]) -> None:
    spaced = "".join(digit + sep for digit, sep in zip(siren, separators, strict=True))
    checked = check_details(DetailsForm(**details(company=company(spaced))))
    assert checked.details.company.identifier == siren


@given(siren=sirens, delta=st.integers(min_value=1, max_value=9))
def test_sirens_with_a_bad_luhn_digit_are_refused(siren: str, delta: int) -> None:
    bad = siren[:8] + str((int(siren[8]) + delta) % 10)
    assert details_errors(company=company(bad)) == {"company.identifier": "invalid_siren"}


@pytest.mark.parametrize("siren", ["73282932", "7328293200", "73282932A", "SIREN"])
def test_sirens_of_the_wrong_shape_are_refused(siren: str) -> None:
    assert details_errors(company=company(siren)) == {"company.identifier": "invalid_siren"}


def test_the_company_identifier_is_required() -> None:
    assert details_errors(company=company(" ")) == {"company.identifier": "required"}


@pytest.mark.parametrize(
    ("identifier", "country"),
    [
        ("DE136695976", "DE"),
        ("DE 136 695 976", "FR"),  # an EU VAT number is checked whatever the address
        ("BE0403019261", "BE"),
        ("IT 00743110157", "IT"),
        ("ES B-58378431", "ES"),
        ("NL004495445B01", "NL"),
        ("GB 980 7806 84", "GB"),
        ("CHE-107.787.577 IVA", "CH"),
        ("NO 995 525 828 MVA", "NO"),
        ("12-3456789", "US"),  # no known format: only its shape is checked
        ("HRB 12345", "DE"),  # a register number, not a VAT number
        ("EL 094259216", "GR"),
        ("ATU13585627", "AT"),
    ],
)
def test_foreign_identifiers_of_known_and_unknown_formats(identifier: str, country: str) -> None:
    errors = details_errors(
        company=company(identifier, foreign=True),
        contact=contact(country=country, phone="+33 1 23 45 67 89", postal_code=""),
    )
    assert errors.get("company.identifier") is None


@pytest.mark.parametrize(
    ("identifier", "country", "code"),
    [
        ("DE136695977", "DE", "invalid_foreign_identifier"),
        ("IT00743110158", "IT", "invalid_foreign_identifier"),
        ("BE0403019262", "FR", "invalid_foreign_identifier"),
        ("GB802311781", "GB", "invalid_foreign_identifier"),
        ("CHE-107.787.578 IVA", "CH", "invalid_foreign_identifier"),
        ("NO 995 525 829 MVA", "NO", "invalid_foreign_identifier"),
        ("!!", "US", "invalid_foreign_identifier"),
        ("FR40303265045", "DE", "foreign_identifier_is_french"),
        ("732 829 320", "FR", "foreign_identifier_is_french"),
    ],
)
def test_foreign_identifiers_in_a_known_format_are_validated(
    identifier: str, country: str, code: str
) -> None:
    errors = details_errors(
        company=company(identifier, foreign=True),
        contact=contact(country=country, phone="+33 1 23 45 67 89", postal_code=""),
    )
    assert errors.get("company.identifier") == code


# -- contact ------------------------------------------------------------------------------------


@given(region=regions, international=st.booleans())
def test_a_phone_valid_for_the_chosen_country_is_accepted(region: str, international: bool) -> None:
    number = phonenumbers.example_number(region)
    assume(number is not None)
    assert number is not None
    assume(phonenumbers.is_valid_number_for_region(number, region))
    style = phonenumbers.PhoneNumberFormat
    typed = phonenumbers.format_number(
        number, style.INTERNATIONAL if international else style.NATIONAL
    )
    errors = details_errors(contact=contact(country=region, phone=typed, postal_code=""))
    assert "contact.phone" not in errors
    checked = check_details(
        DetailsForm(**details(contact=contact(country=region, phone=typed, postal_code="")))
    )
    assert checked.details.contact.phone == phonenumbers.format_number(number, style.E164)


@given(region=regions, other=regions)
def test_a_phone_of_another_country_is_refused(region: str, other: str) -> None:
    number = phonenumbers.example_number(other)
    assume(number is not None)
    assert number is not None
    assume(not phonenumbers.is_valid_number_for_region(number, region))
    typed = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    errors = details_errors(contact=contact(country=region, phone=typed, postal_code=""))
    assert errors == {"contact.phone": "phone_wrong_country"}


@pytest.mark.parametrize("phone", ["1111111111", "01 23", "téléphone", "+33 1"])
def test_an_invalid_phone_is_refused(phone: str) -> None:
    assert details_errors(contact=contact(phone=phone)) == {"contact.phone": "invalid_phone"}


def test_the_phone_is_required() -> None:
    assert details_errors(contact=contact(phone=" ")) == {"contact.phone": "required"}


@given(code=french_postal_codes)
def test_french_postal_codes_of_5_digits_are_accepted(code: str) -> None:
    assert details_errors(contact=contact(postal_code=code)) == {}


@given(code=st.text(alphabet=string.digits + string.ascii_letters + "-", max_size=8))
def test_a_wrong_postal_code_for_france_is_refused(code: str) -> None:
    assume(code.strip() and not (len(code) == 5 and code.isdigit() and not code.startswith("00")))
    errors = details_errors(contact=contact(postal_code=code))
    assert errors == {"contact.postal_code": "invalid_postal_code"}


@pytest.mark.parametrize(
    ("country", "code"), [("GB", "SW1A 1AA"), ("DE", "10115"), ("NL", "1012 AB")]
)
def test_foreign_postal_codes_are_accepted(country: str, code: str) -> None:
    number = phonenumbers.example_number(country)
    assert number is not None
    phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert details_errors(contact=contact(country=country, postal_code=code, phone=phone)) == {}


@pytest.mark.parametrize("street_type", [*STREET_TYPES, "rue", " av ", ""])
def test_street_types_of_the_list_are_accepted(street_type: str) -> None:
    assert details_errors(contact=contact(street_type=street_type)) == {}


@given(street_type=st.text(alphabet=string.ascii_letters, min_size=1, max_size=12))
def test_an_unknown_street_type_is_refused(street_type: str) -> None:
    assume(street_type.upper() not in STREET_TYPES)
    errors = details_errors(contact=contact(street_type=street_type))
    assert errors == {"contact.street_type": "invalid_street_type"}


@pytest.mark.parametrize("number", ["12", "12 bis", "3B", "1ter", ""])
def test_street_numbers(number: str) -> None:
    assert details_errors(contact=contact(street_number=number)) == {}


@pytest.mark.parametrize("number", ["douze", "-1", "12/14", "123456"])
def test_bad_street_numbers_are_refused(number: str) -> None:
    errors = details_errors(contact=contact(street_number=number))
    assert errors == {"contact.street_number": "invalid_street_number"}


@given(country=st.sampled_from(sorted(country_codes())))
def test_every_iso_3166_country_is_accepted(country: str) -> None:
    errors = details_errors(contact=contact(country=country.lower(), postal_code=""))
    assert "contact.country" not in errors


@given(country=st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=3))
def test_an_unknown_country_is_refused(country: str) -> None:
    assume(country not in country_codes())
    errors = details_errors(contact=contact(country=country, postal_code=""))
    assert errors.get("contact.country") == "invalid_country"


def test_the_country_defaults_to_france_and_the_city_is_required() -> None:
    checked = check_details(DetailsForm(**details(contact=contact(country=""))))
    assert checked.details.contact.country == "FR"
    assert details_errors(contact=contact(city=" ")) == {"contact.city": "required"}


def test_long_address_fields_are_refused() -> None:
    errors = details_errors(contact=contact(street_name="x" * 81, address_complement="y" * 81))
    assert errors == {"contact.street_name": "too_long", "contact.address_complement": "too_long"}


# -- trust question and answer ------------------------------------------------------------------


@pytest.mark.parametrize("question", list(TRUST_QUESTIONS))
def test_every_listed_trust_question_is_accepted(question: str) -> None:
    assert details_errors(trust={"question": question, "answer": "tata"}) == {}


@given(question=st.text(max_size=30))
def test_an_unknown_trust_question_is_refused(question: str) -> None:
    assume(question.strip() and question.strip() not in TRUST_QUESTIONS)
    errors = details_errors(trust={"question": question, "answer": "tata"})
    assert errors == {"trust.question": "invalid_trust_question"}


def test_the_trust_answer_is_required_except_to_keep_the_previous_one() -> None:
    blank = {"question": "nickname", "answer": "  "}
    assert details_errors(trust=blank) == {"trust.answer": "required"}
    assert details_errors(previous_question="nickname", trust=blank) == {}
    assert details_errors(previous_question="first_pet", trust=blank) == {
        "trust.answer": "required"
    }
    assert details_errors(trust={"question": "", "answer": ""}) == {
        "trust.question": "required",
        "trust.answer": "required",
    }


@given(answer=st.text())
def test_trust_answer_normalisation_is_idempotent(answer: str) -> None:
    once = normalise_trust_answer(answer)
    assert normalise_trust_answer(once) == once
    assert once == once.strip()


_PLAIN = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=20)
_ACCENTS = {"a": "àâä", "e": "éèêë", "i": "îï", "o": "ôö", "u": "ùûü", "c": "ç"}


@given(answer=_PLAIN, data=st.data())
def test_trust_answer_variants_are_equal(answer: str, data: st.DataObject) -> None:
    accented = "".join(
        data.draw(st.sampled_from(ch + _ACCENTS.get(ch.lower(), ""))) for ch in answer
    )
    cased = "".join(data.draw(st.sampled_from([ch.lower(), ch.upper()])) for ch in accented)
    padded = data.draw(st.sampled_from(["", " ", "\t", "\u00a0"])) + cased + "  "
    assert normalise_trust_answer(padded) == normalise_trust_answer(answer)


def test_trust_answer_normalisation_examples() -> None:
    assert normalise_trust_answer("  Tâta ") == normalise_trust_answer("TATA") == "tata"
    assert normalise_trust_answer("Élodie  Ñúñez") == "elodie nunez"
    assert normalise_trust_answer("Straße") == normalise_trust_answer("STRASSE")


# -- all at once, activation code ---------------------------------------------------------------


def test_every_details_error_at_once() -> None:
    errors = details_errors(
        civility="",
        last_name="R2D2",
        first_name="",
        company=company("123 456 789"),
        contact={
            "phone": "+49 30 123456",
            "street_type": "AVENUEX",
            "postal_code": "7500",
            "city": "",
            "country": "FR",
        },
        trust={"question": "favourite_colour", "answer": ""},
    )
    assert errors == {
        "civility": "required",
        "last_name": "invalid_name",
        "first_name": "required",
        "company.identifier": "invalid_siren",
        "contact.phone": "phone_wrong_country",
        "contact.street_type": "invalid_street_type",
        "contact.postal_code": "invalid_postal_code",
        "contact.city": "required",
        "trust.question": "invalid_trust_question",
        "trust.answer": "required",
    }


@given(code=st.text(alphabet=ALNUM, min_size=12, max_size=12))
def test_activation_codes_are_12_letters_or_digits(code: str) -> None:
    assert is_code_shaped(code)
    assert not is_code_shaped(code + "\n")
    assert not is_code_shaped(code[:11])
    assert not is_code_shaped(code[:11] + "é")


def test_every_code_has_a_french_message() -> None:
    for code, message in MESSAGES.items():
        assert code.isascii() and code == code.lower(), code
        assert message.endswith(".") and any(ch in message for ch in "éèàùêç ")


def test_the_rules_page_lists_every_code_with_its_message() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    for code, message in MESSAGES.items():
        assert any(
            row.startswith(f"| `{code}` |") and f"| 422 | {message} |" in row for row in rows
        )
    codes = {row.split("|")[1].strip() for row in rows}
    for code in (
        "malformed_request",
        "unauthorized",
        "invalid_credentials",
        "not_found",
        "already_subscribed",
        "activation_pending",
        "details_missing",
        "conflict",
        "code_expired",
        "payload_too_large",
        "invalid_fields",
        "too_many_attempts",
        "unavailable",
        "invalid_type",
    ):
        assert f"`{code}`" in codes, code
