"""The notice of a sensitive change parsed as MIME: plain text only, no link and no image, the
change named, its time in Paris time, what to do if the subscriber did not make it."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from domain.changes import Change
from mail.notifications import masked_email, notification_message, subject_of

FORBIDDEN = ("http", "www.", "<a", "<img")


def build(change: Change, **overrides: object) -> EmailMessage:
    values: dict[str, object] = {
        "sender": "ne-pas-repondre@espace-abonne.localhost",
        "recipient": "lila@exemple.fr",
        "change": change,
        # 12:05 UTC in summer is 14:05 in Paris.
        "changed_at": datetime(2026, 7, 1, 12, 5, tzinfo=UTC),
        "sent_at": datetime(2026, 7, 1, 12, 6, tzinfo=UTC),
        "message_key": "notification-" + "a" * 32,
    } | overrides
    message = notification_message(**values)  # type: ignore[arg-type]
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("change", list(Change))
def test_every_notice_is_plain_text_without_link_with_the_paris_time(change: Change) -> None:
    message = build(change, new_email="nouvelle.adresse@exemple.fr")
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    text = message.get_content().replace("\u00a0", " ").replace("\u202f", " ")
    for forbidden in FORBIDDEN:
        assert forbidden not in text.lower()
    assert text.startswith("ESPACE ABONNE DES PROFESSIONNELS")
    assert "Date de la modification : le 1er juillet 2026 à 14 h 05 (heure de Paris)." in text
    assert "Si vous n'êtes pas à l'origine de cette modification" in text
    assert "Contactez sans attendre l'assistance aux usagers des téléprocédures" in text
    assert "0 810 006 882" in text  # the assistance channel, by phone: no link
    # Where the personal-data notice is: its address as text, for the reader to type.
    assert (
        "Vos données personnelles et vos droits : page « Données personnelles » de l'espace "
        "abonné (127.0.0.1:8000/donnees-personnelles)."
    ) in text
    assert message["Subject"] == subject_of(change)
    assert message["To"] == "lila@exemple.fr"


def test_the_old_address_is_told_the_new_one_masked() -> None:
    text = build(Change.EMAIL_CHANGED, new_email="nouvelle.adresse@exemple.fr").get_content()
    assert "n•••@exemple.fr" in text
    assert "nouvelle.adresse" not in text


def test_winter_time_and_a_stable_message_id() -> None:
    first = build(Change.PASSWORD_CHANGED, changed_at=datetime(2026, 12, 24, 23, 30, tzinfo=UTC))
    assert "25 décembre 2026 à 00\u00a0h\u00a030 (heure de Paris)" in first.get_content()
    again = build(Change.PASSWORD_CHANGED, sent_at=datetime(2026, 12, 25, 9, 0, tzinfo=UTC))
    assert first["Message-ID"] == again["Message-ID"]
    other = build(Change.PASSWORD_CHANGED, message_key="notification-" + "b" * 32)
    assert other["Message-ID"] != first["Message-ID"]


def test_masked_email() -> None:
    assert masked_email("lila@exemple.fr") == "l•••@exemple.fr"
