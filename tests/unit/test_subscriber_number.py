"""Subscriber numbers: 11 digits and a Luhn check digit; any single-digit change is caught."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.subscriber_number import (
    BODY_DIGITS,
    format_subscriber_number,
    is_valid_subscriber_number,
    make_subscriber_number,
)

bodies = st.integers(min_value=0, max_value=10**BODY_DIGITS - 1)


@given(body=bodies)
def test_every_generated_number_is_valid(body: int) -> None:
    number = make_subscriber_number(body)
    assert len(number) == BODY_DIGITS + 1 and number.isdigit()
    assert is_valid_subscriber_number(number)
    formatted = format_subscriber_number(number)
    assert formatted.replace(" ", "") == number and is_valid_subscriber_number(formatted)
    assert [len(group) for group in formatted.split(" ")] == [4, 4, 4]


@given(body=bodies, position=st.integers(0, BODY_DIGITS), delta=st.integers(1, 9))
def test_any_single_digit_change_is_detected(body: int, position: int, delta: int) -> None:
    number = make_subscriber_number(body)
    changed = str((int(number[position]) + delta) % 10)
    altered = number[:position] + changed + number[position + 1 :]
    assert not is_valid_subscriber_number(altered)


@given(body=bodies)
def test_numbers_are_distinct_for_distinct_bodies(body: int) -> None:
    other = (body + 1) % 10**BODY_DIGITS
    assert make_subscriber_number(body) != make_subscriber_number(other)


def test_out_of_range_bodies_are_refused() -> None:
    for body in (-1, 10**BODY_DIGITS):
        try:
            make_subscriber_number(body)
        except ValueError:
            continue
        raise AssertionError(f"{body} accepted")
