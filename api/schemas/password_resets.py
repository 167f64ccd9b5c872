"""Bodies of « Mot de passe oublié ? »."""

from __future__ import annotations

from api.schemas.declared import Body, Code, Email, Password, Secret
from domain.account_forms import PasswordResetForm, PasswordResetRequestForm


class PasswordResetRequestIn(Body, PasswordResetRequestForm):
    # Any value is answered alike (202), a subscriber's or not: nothing more to declare.
    pass


class PasswordResetIn(Body, PasswordResetForm):
    email: Email = ""
    code: Code = ""
    trust_answer: Secret = ""
    new_password: Password = ""
    new_password_confirmation: Password = ""
