"""How values read for people, on the pages, in the PDF and in the e-mails: French dates in Paris
time, phone numbers as the country writes them, names as the sheet addresses the user."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from domain.reference import FRANCE, Civility

PARIS = ZoneInfo("Europe/Paris")

_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_datetime(moment: datetime) -> str:
    """E.g. « 29 novembre 2026 à 14 h 05 (heure de Paris) », « 1er décembre 2026 à … ».

    `moment` is aware: the database hands back UTC (SQLModel's UTCDateTime columns, SQLite too)
    and Temporal does as well.
    """
    local = moment.astimezone(PARIS)
    return f"{french_date(local.date())} à {local:%H}\u00a0h\u00a0{local:%M} (heure de Paris)"


def french_date(day: date) -> str:
    """E.g. « 6 décembre 2026 », « 1er décembre 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


def display_phone(e164: str, country: str) -> str:
    """« 01 23 45 67 89 » for a French number of a French address, else « +49 30 123456 »."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if country == FRANCE and number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def full_name(civility: Civility, last_name: str, first_name: str) -> str:
    """« Madame ROSEMONDE Lila », as the sheet addresses the user."""
    return f"{civility.label} {last_name.upper()} {first_name}"


def french_duration(duration: timedelta) -> str:
    """E.g. « 48 h », « 30 min », « 60 jours »: the largest unit that counts it whole, a no-break
    space before the unit (« 90 min » rather than « 1,5 h »)."""
    seconds = int(duration.total_seconds())
    if seconds and seconds % 86400 == 0 and seconds > 2 * 86400:
        return f"{seconds // 86400}\u00a0jours"
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600}\u00a0h"
    if seconds % 60 == 0:
        return f"{seconds // 60}\u00a0min"
    return f"{seconds}\u00a0s"


def validity_text(validity: timedelta) -> str:
    """« 30 minutes », « 24 heures »: how long a code lasts, in words (e-mails
    and the pages that announce one)."""
    minutes = round(validity.total_seconds() / 60)
    if minutes % 60:
        return f"{minutes}\u00a0minutes"
    hours = minutes // 60
    return f"{hours}\u00a0heure" if hours == 1 else f"{hours}\u00a0heures"
