"""What a subscriber types to change their space (SPEC §6): lenient forms, like the enrollment's,
so that the rules decide what is wrong and report every field at once."""

from __future__ import annotations

from pydantic import Field

from domain.models import _Form


class SecretsForm(_Form):
    """The two secrets that guard every sensitive operation."""

    password: str = Field(default="", repr=False)
    trust_answer: str = Field(default="", repr=False)


class PasswordChangeForm(_Form):
    current_password: str = Field(default="", repr=False)
    trust_answer: str = Field(default="", repr=False)
    new_password: str = Field(default="", repr=False)
    new_password_confirmation: str = Field(default="", repr=False)


class EmailChangeForm(SecretsForm):
    new_email: str = ""
    new_email_confirmation: str = ""


class EmailChangeCodeForm(_Form):
    code: str = Field(default="", repr=False)


class PasswordResetRequestForm(_Form):
    email: str = ""


class PasswordResetForm(_Form):
    email: str = ""
    code: str = Field(default="", repr=False)
    trust_answer: str = Field(default="", repr=False)
    new_password: str = Field(default="", repr=False)
    new_password_confirmation: str = Field(default="", repr=False)
