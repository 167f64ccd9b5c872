"""Subscriber numbers: 11 digits and a Luhn check digit, shown in groups of four."""

from __future__ import annotations

from stdnum import luhn

BODY_DIGITS = 11


def make_subscriber_number(body: int) -> str:
    digits = f"{body:0{BODY_DIGITS}d}"
    if len(digits) != BODY_DIGITS:
        raise ValueError("subscriber number body out of range")
    return digits + luhn.calc_check_digit(digits)


def is_valid_subscriber_number(number: str) -> bool:
    compact = number.replace(" ", "")
    return len(compact) == BODY_DIGITS + 1 and compact.isdigit() and luhn.is_valid(compact)


def format_subscriber_number(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
