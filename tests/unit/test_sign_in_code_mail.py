"""The second step's code e-mail (SPEC §9) parsed as MIME: plain text, no link, the 6 digits,
valid 10 minutes with its deadline in Paris time, what to do if the reader did not sign in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from mail.code_mail import CodeMail
from mail.sign_in_code import sign_in_code_message

SENT = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)  # 14:05 in Paris


def test_the_code_mail_is_plain_text_with_the_code_and_its_ten_minutes() -> None:
    mail = CodeMail(
        sender="ne-pas-repondre@espace-abonne.localhost",
        recipient="lila@exemple.fr",
        code="042917",
        sent_at=SENT,
        deadline=SENT + timedelta(minutes=10),
        message_id="<sign-in.abc@espace-abonne.localhost>",
    )
    parsed = message_from_bytes(sign_in_code_message(mail).as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)

    assert not parsed.is_multipart() and parsed.get_content_type() == "text/plain"
    assert parsed["Subject"] == "Espace abonné des professionnels\u00a0: votre code de vérification"
    text = parsed.get_content().replace("\u00a0", " ").replace("\u202f", " ")
    for forbidden in ("http", "www.", "<a", "<img"):
        assert forbidden not in text.lower()
    assert "\n042917\n" in text.replace("\r\n", "\n")
    assert "valable 10 minutes, soit jusqu'au 1er juillet 2026 à 14 h 15 (heure de Paris)" in text
    assert "Si vous n'êtes pas à l'origine de cette connexion" in text
    assert "0 810 006 882" in text
