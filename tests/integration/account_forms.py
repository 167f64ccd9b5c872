"""The bodies of the account requests that carry secrets, by default the ones
tests.accounts.enroll gives the subscriber, the new password its tests choose."""

from __future__ import annotations

from tests.accounts import ANSWER, NEW_PASSWORD, PASSWORD


def password_change(
    current: str = PASSWORD, answer: str = ANSWER, new: str = NEW_PASSWORD, again: str | None = None
) -> dict[str, str]:
    """PUT /me/password; `again`, the confirmation, is `new` unless given."""
    return {
        "current_password": current,
        "trust_answer": answer,
        "new_password": new,
        "new_password_confirmation": new if again is None else again,
    }


def reset_body(
    email: str, code: str, answer: str = ANSWER, new: str = NEW_PASSWORD
) -> dict[str, str]:
    """POST /password-resets/complete."""
    return {
        "email": email,
        "code": code,
        "trust_answer": answer,
        "new_password": new,
        "new_password_confirmation": new,
    }


def change_body(new_email: str, answer: str = ANSWER, password: str = PASSWORD) -> dict[str, str]:
    """POST /me/email-change."""
    return {
        "password": password,
        "trust_answer": answer,
        "new_email": new_email,
        "new_email_confirmation": new_email,
    }
