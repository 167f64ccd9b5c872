"""The activation e-mail parsed as MIME: the sheet's text, the code, the deadline in French
(Europe/Paris), no link and no image in any part; sent by the e-mail channel through a real SMTP
server. (The Message-ID, stable per code across retries, is the code delivery's:
tests/integration/test_code_delivery.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from channels import OutgoingCode
from channels.email import EmailCodeChannel
from devstack.mail_sink import MailSink
from domain.activation_steps import (
    ACTIVATE_LINK,
    ACTIVATION_STEPS,
    PAGE_STEPS,
    SECTION,
    SITE,
    SPACE_LINK,
)
from domain.codes import CODE_ALPHABET, CodePurpose
from domain.formatting import french_datetime
from domain.support import SupportChannel
from mail.activation import activation_code_message
from mail.code_mail import CodeMail
from mail.sender import MailSender
from settings import Settings
from tests.support import unique_email

CODE = "az84RTw0DD5r"  # the sheet's example
SHEET_LINES = [
    "ESPACE ABONNE DES PROFESSIONNELS",
    "Vous avez demandé la création d'un espace abonné professionnel, cette demande a bien été "
    "prise en compte. Votre espace abonné sera activé lorsque vous aurez saisi le code suivant :",
    "Pour activer votre compte, veuillez suivre la procédure suivante :",
    "2. Cliquez sur « Professionnels » puis sur « Espace abonné (création, accès) ».",
    "L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.",
    "Si vous avez une question particulière, nous vous invitons à ne pas répondre à l'adresse "
    "électronique de ce message mais à vous connecter sur notre site",
    "Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant "
    "un logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de "
    "ne pas utiliser ce lien.",
]
FORBIDDEN = ("http", "www.", "<a", "<img")


def build(**overrides: Any) -> EmailMessage:
    sent_at = datetime(2026, 11, 27, 13, 5, tzinfo=UTC)
    values: dict[str, Any] = {
        "sender": "ne-pas-repondre@espace-abonne.localhost",
        "recipient": "lila@exemple.fr",
        "code": CODE,
        "sent_at": sent_at,
        "deadline": sent_at + timedelta(hours=48),
        "message_id": "<activation.test@espace-abonne.localhost>",
    } | overrides
    return activation_code_message(CodeMail(**values))


def parsed(message: EmailMessage) -> EmailMessage:
    """Through the wire format and back, as a mail client would read it."""
    result = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(result, EmailMessage)
    return result


def body_of(message: EmailMessage) -> str:
    return " ".join(str(message.get_content()).split())  # unwrap the lines


def test_the_sheet_text_heading_and_code() -> None:
    message = parsed(build())
    text = str(message.get_content())
    assert text.startswith("ESPACE ABONNE DES PROFESSIONNELS\n")
    for line in SHEET_LINES:
        assert " ".join(line.split()) in body_of(message), line
    codes = re.findall(r"^([A-Za-z0-9]{12})$", text, re.MULTILINE)
    assert codes == [CODE]
    assert "majuscules et les minuscules" in body_of(message)


def test_plain_text_only_without_link_or_image() -> None:
    message = parsed(build())
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    for part in message.walk():
        content = str(part.get_content()).lower()
        for forbidden in FORBIDDEN:
            assert forbidden not in content, forbidden
        assert part.get_content_maintype() == "text"
    raw = build().as_bytes().lower()
    for forbidden in FORBIDDEN:
        assert forbidden.encode() not in raw.split(b"\n\n", 1)[1], forbidden
    assert "http" not in str(message["Subject"]).lower()


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (datetime(2026, 11, 29, 13, 5, tzinfo=UTC), "29 novembre 2026 à 14 h 05 (heure de Paris)"),
        (datetime(2026, 7, 14, 10, 0, tzinfo=UTC), "14 juillet 2026 à 12 h 00 (heure de Paris)"),
        (datetime(2026, 12, 1, 8, 30, tzinfo=UTC), "1er décembre 2026 à 09 h 30 (heure de Paris)"),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "29 mars 2026 à 00 h 30 (heure de Paris)"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29 mars 2026 à 03 h 30 (heure de Paris)"),
    ],
)
def test_the_deadline_as_a_french_date_and_time_in_paris(deadline: datetime, expected: str) -> None:
    # « 14 h 05 » never split across lines: no-break spaces around the « h ».
    assert french_datetime(deadline) == expected.replace(" h ", "\u00a0h\u00a0")
    message = parsed(build(sent_at=deadline - timedelta(hours=48), deadline=deadline))
    assert " ".join(f"jusqu'au {expected}".split()) in body_of(message)
    assert "délai de 48 heures" in body_of(message)


@given(code=st.text(alphabet=CODE_ALPHABET, min_size=12, max_size=12))
def test_any_code_is_alone_on_its_line(code: str) -> None:
    text = str(parsed(build(code=code)).get_content())
    assert re.findall(r"^([A-Za-z0-9]{12})$", text, re.MULTILINE) == [code]


async def test_the_sent_message_through_a_real_smtp_server(
    settings: Settings, mail_sink: MailSink
) -> None:
    email = unique_email()
    channel = EmailCodeChannel(MailSender.from_settings(settings), settings.mail_from)
    sent_at = datetime.now(UTC)
    deadline = sent_at + timedelta(hours=48)
    message_id = channel.message_id("activation-test")
    await channel.deliver(
        OutgoingCode(
            purpose=CodePurpose.ACTIVATION,
            recipient=email,
            generation=1,
            code=CODE,
            message_id=message_id,
            sent_at=sent_at,
            deadline=deadline,
        )
    )

    received = await mail_sink.message_to(email)
    text = str(received.get_content()).replace("\r\n", "\n")  # as received: CRLF lines
    assert re.findall(r"^([A-Za-z0-9]{12})$", text, re.MULTILINE) == [CODE]
    assert " ".join(french_datetime(deadline).split()) in " ".join(text.split())
    assert str(received["Message-ID"]).strip() == message_id  # long headers arrive folded
    for forbidden in FORBIDDEN:
        assert forbidden not in text.lower()


def test_the_support_channel_is_in_the_security_lines_without_a_link() -> None:
    support = SupportChannel("01 23 45 67 89", "https://assistance.exemple.fr/", "en semaine")
    text = body_of(parsed(build(support=support)))
    assert (
        "Si vous n'êtes pas à l'origine de cette demande, ne saisissez pas ce code et contactez "
        "l'assistance aux usagers des téléprocédures, joignable en semaine : par téléphone au "
        "01 23 45 67 89, ou par le formulaire de contact indiqué en bas de chaque page"
    ) in text
    assert "assistance.exemple.fr" not in text  # the form's address is a link: never in a mail
    # By default, the sheet's channel (§5): « le n° 0 810 006 882 », from 8 h 00 to 19 h 30.
    default = body_of(parsed(build()))
    assert "0 810 006 882" in default and "de 8 h 00 à 19 h 30" in default


def test_french_typography() -> None:
    text = str(parsed(build()).get_content())
    assert not re.search(r" [:;?!]", text), "a breakable space before a high sign"
    assert "« " not in text and " »" not in text
    assert "48\u00a0heures" in text


def test_the_mail_and_the_page_name_the_same_places() -> None:
    for place in (SITE, SECTION, SPACE_LINK, ACTIVATE_LINK):
        assert sum(place in step for step in ACTIVATION_STEPS) == 1, place
        assert sum(place in step for step in PAGE_STEPS) == 1, place
    text = str(parsed(build()).get_content())
    for number, step in enumerate(ACTIVATION_STEPS, 1):
        assert f"{number}. {step}" in text


def test_the_mail_says_where_the_personal_data_notice_is_as_text() -> None:
    text = body_of(parsed(build()))
    assert (
        "Vos données personnelles et vos droits : page « Données personnelles » de l'espace "
        "abonné (127.0.0.1:8000/donnees-personnelles)."
    ) in text
    # The deployment's public address, without its scheme: read, typed, never a link.
    settings = Settings(public_base_url="https://espace.exemple.fr/")
    text = body_of(parsed(build(support=SupportChannel.from_settings(settings))))
    assert "(espace.exemple.fr/donnees-personnelles)." in text
    assert "https" not in text
