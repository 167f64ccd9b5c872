"""The assistance channel (the sheet's §5), worded once for the pages' footer and every e-mail,
and where every e-mail and letter says the personal-data notice is.

E-mails carry no link (SPEC §3): they give the phone number and say where the contact form is,
never its address; the pages link to both. The notice's address is written as text, without its
scheme, for the reader to type.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from settings import Settings

NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class SupportChannel:
    phone: str
    url: str
    hours: str
    # The personal-data page's address as text (web.legal_pages.PERSONAL_DATA on the public site).
    privacy_notice: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SupportChannel:
        return cls(
            settings.support_phone,
            settings.support_url,
            settings.support_hours,
            notice_address(settings.base_url),
        )

    @property
    def phone_text(self) -> str:
        """The number as printed, never split across two lines."""
        return NBSP.join(self.phone.split())

    @property
    def phone_href(self) -> str:
        """`tel:` in international form, so that a phone dials it from anywhere."""
        try:
            number = phonenumbers.parse(self.phone, "FR")
        except phonenumbers.NumberParseException:
            return "tel:" + "".join(self.phone.split())
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def mail_lines(self) -> str:
        """For an e-mail's "if it was not you" paragraph: whom to call, when, without a link."""
        return (
            f"l'assistance aux usagers des téléprocédures, joignable {self.hours}{NBSP}: par "
            f"téléphone au {self.phone_text}, ou par le formulaire de contact indiqué en bas de "
            "chaque page de l'espace abonné."
        )

    def privacy_lines(self) -> str:
        """For every e-mail and letter: where to read what is done with personal data."""
        return (
            "Vos données personnelles et vos droits\u00a0: page «\u00a0Données personnelles\u00a0» "
            f"de l'espace abonné ({self.privacy_notice})."
        )


PERSONAL_DATA_PATH = "/donnees-personnelles"


def notice_address(base_url: str) -> str:
    """« espace.example.fr/donnees-personnelles »: the page's address, to read, not to click."""
    return base_url.split("://", 1)[-1].rstrip("/") + PERSONAL_DATA_PATH


def _default(name: str) -> str:
    return str(Settings.model_fields[name].default)


# The settings' defaults, for callers that were not handed the settings.
DEFAULT_SUPPORT = SupportChannel(
    _default("support_phone"),
    _default("support_url"),
    _default("support_hours"),
    notice_address(f"{_default('api_host')}:{_default('api_port')}"),
)
