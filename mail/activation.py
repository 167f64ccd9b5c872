"""The activation e-mail, word for word from the procedure's sheet: plain text, no link, no logo."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
SUBJECT = "Espace abonné des professionnels : votre code d'activation"

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

_BODY = """\
ESPACE ABONNE DES PROFESSIONNELS

Vous avez demandé la création d'un espace abonné professionnel, cette demande a bien été prise \
en compte. Votre espace abonné sera activé lorsque vous aurez saisi le code suivant :

{code}

Ce code doit être saisi en respectant les majuscules et les minuscules. Vous disposez d'un délai \
de {window_hours} heures à compter de l'envoi de ce message pour activer votre compte, soit \
jusqu'au {deadline}. Au-delà de ce délai, votre pré-inscription sera supprimée et vous devrez \
recommencer toute la procédure.

Pour activer votre compte, veuillez suivre la procédure suivante :

1. Connectez-vous au site impots.gouv.fr.
2. Cliquez sur "Professionnels" puis sur "Espace abonné (création, accès)"
3. Cliquez sur le lien " Vous souhaitez activer votre espace abonné ? Cliquez sur ce lien pour \
l'activer"
4. Saisissez votre identifiant puis le code ci-dessus et validez.

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

Si vous avez une question particulière, nous vous invitons à ne pas répondre à l'adresse \
électronique de ce message mais à vous connecter sur notre site impots.gouv.fr où vous trouverez \
les réponses aux questions les plus fréquentes.

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""


def french_datetime(moment: datetime) -> str:
    """E.g. « 29 novembre 2026 à 14 h 05 (heure de Paris) », « 1er décembre 2026 à … »."""
    local = moment.astimezone(PARIS)
    day_number = "1er" if local.day == 1 else str(local.day)
    day = f"{day_number} {_MONTHS[local.month - 1]} {local.year}"
    return f"{day} à {local:%H} h {local:%M} (heure de Paris)"


def activation_message(
    *,
    sender: str,
    recipient: str,
    code: str,
    sent_at: datetime,
    deadline: datetime,
    message_key: str = "",
    message_id: str | None = None,
) -> EmailMessage:
    """Build the e-mail. The Message-ID is stable per code (`message_id` as the code delivery
    chose it, or one built from `message_key`), so a retried send is recognisable as the same
    message."""
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(sent_at.astimezone(PARIS))
    if message_id is None:
        domain = sender.rpartition("@")[2] or "localhost"
        message_id = f"<activation.{message_key[:32]}@{domain}>"
    message["Message-ID"] = message_id
    window_hours = round((deadline - sent_at).total_seconds() / 3600)
    body = _BODY.format(code=code, window_hours=window_hours, deadline=french_datetime(deadline))
    message.set_content(body, charset="utf-8")
    return message
