"""French spacing for handed-in text, error summaries in page order, the assistance channel,
durations as the pages write them."""

from __future__ import annotations

from datetime import timedelta

from domain.formatting import french_duration
from domain.support import DEFAULT_SUPPORT, SupportChannel
from settings import Settings
from web.page import in_page_order
from web.typography import french_spacing


def test_french_spacing() -> None:
    assert french_spacing("Le délai est dépassé : recommencez !") == (
        "Le délai est dépassé\u00a0: recommencez\u202f!"
    )
    assert french_spacing("décochez « Entreprise étrangère » ; puis ?") == (
        "décochez «\u00a0Entreprise étrangère\u00a0»\u202f; puis\u202f?"
    )
    # Already right, or not French spacing at all: left alone.
    assert french_spacing("12\u00a0h\u00a005 : ok") == "12\u00a0h\u00a005\u00a0: ok"
    assert french_spacing("https://exemple.fr:8000/a?b=c") == "https://exemple.fr:8000/a?b=c"


def test_errors_follow_the_page_order() -> None:
    labels = {"civility": "", "contact.phone": "", "contact.city": "", "trust.answer": ""}
    errors = {"trust.answer": "a", "contact.city": "b", "contact.phone": "c", "other": "d"}
    assert list(in_page_order(errors, labels)) == [
        "contact.phone",
        "contact.city",
        "trust.answer",
        "other",
    ]


def test_the_support_channel_defaults_to_the_sheet() -> None:
    assert DEFAULT_SUPPORT.phone == "0 810 006 882"
    assert DEFAULT_SUPPORT.phone_href == "tel:+33810006882"
    assert DEFAULT_SUPPORT.phone_text == "0\u00a0810\u00a0006\u00a0882"
    assert "de 8\u00a0h\u00a000 à 19\u00a0h\u00a030" in DEFAULT_SUPPORT.hours


def test_the_support_channel_from_settings() -> None:
    settings = Settings(support_phone="+32 2 123 45 67", support_url="https://aide.exemple.be/")
    support = SupportChannel.from_settings(settings)
    assert support.phone_href == "tel:+3221234567"
    assert "https" not in support.mail_lines()  # e-mails carry no link
    assert "+32\u00a02\u00a0123\u00a045\u00a067" in support.mail_lines()


def test_durations_as_the_pages_write_them() -> None:
    assert french_duration(timedelta(hours=48)) == "48\u00a0h"  # the sheet's « 48 h »
    assert french_duration(timedelta(minutes=30)) == "30\u00a0min"
    assert french_duration(timedelta(hours=24)) == "24\u00a0h"
    assert french_duration(timedelta(days=60)) == "60\u00a0jours"
    assert french_duration(timedelta(minutes=90)) == "90\u00a0min"
    assert french_duration(timedelta(seconds=45)) == "45\u00a0s"
