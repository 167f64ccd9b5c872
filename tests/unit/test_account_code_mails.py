"""The code e-mails of « Mot de passe oublié ? » and « Modifier mon adresse électronique »: the
code, how long it lasts, and where the personal-data notice is — plain text, no link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mail.account_codes import email_change_message, password_reset_message
from mail.code_mail import CodeMail

SENT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # 14 h 00 in Paris


def mail(validity: timedelta) -> CodeMail:
    return CodeMail(
        sender="ne-pas-repondre@espace-abonne.localhost",
        recipient="lila@exemple.fr",
        code="aB3dE5fG7hJl",
        sent_at=SENT,
        deadline=SENT + validity,
        message_id="<code.test@espace-abonne.localhost>",
        extra={"question_label": "Quel est votre surnom ?"},
    )


@pytest.mark.parametrize(
    ("build", "validity", "lasts"),
    [
        (password_reset_message, timedelta(minutes=30), "valable 30 minutes"),
        (email_change_message, timedelta(hours=24), "valable 24 heures"),
    ],
)
def test_the_code_its_validity_and_the_personal_data_notice(
    build: object, validity: timedelta, lasts: str
) -> None:
    assert callable(build)
    message = build(mail(validity))
    text = message.get_content().replace("\u00a0", " ").replace("\u202f", " ")
    assert "aB3dE5fG7hJl" in text
    assert lasts in text
    assert (
        "Vos données personnelles et vos droits : page « Données personnelles » de l'espace "
        "abonné (127.0.0.1:8000/donnees-personnelles)."
    ) in text
    for forbidden in ("http", "www.", "<a"):
        assert forbidden not in text.lower()
