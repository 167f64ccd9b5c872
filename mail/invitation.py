"""The invitation e-mail (SPEC §8): a backend service asked for the person's space. Plain text,
no link, no logo, like the activation e-mail; it names the service that invited, gives the code
and its deadline, and the way in from the home page."""

from __future__ import annotations

from email.message import EmailMessage

from domain.activation_steps import INVITATION_STEPS
from domain.codes import INVITING_SERVICE
from domain.formatting import french_datetime
from mail.code_mail import CodeMail, numbered

SUBJECT = "Espace abonné des professionnels\u00a0: vous êtes invité à créer votre espace"

_BODY = """\
ESPACE ABONNE DES PROFESSIONNELS

Le service «\u00a0{service}\u00a0» a demandé la création de votre espace abonné professionnel \
pour votre identifiant {recipient}. Pour créer votre espace, saisissez le code suivant\u00a0:

{code}

Ce code doit être saisi en respectant les majuscules et les minuscules. Vous disposez d'un délai \
de {window_hours}\u00a0heures à compter de l'envoi de ce message, soit jusqu'au {deadline}. \
Au-delà de ce délai, l'invitation sera supprimée.

Pour créer votre espace, veuillez suivre la procédure suivante\u00a0:

{steps}

Le service qui vous invite ne connaît ni ce code ni le mot de passe que vous choisirez\u00a0: ne \
les communiquez à personne.

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

Si vous ne connaissez pas ce service ou ne souhaitez pas d'espace abonné, ne saisissez pas ce \
code\u00a0: l'invitation sera supprimée à l'échéance. Pour toute question, contactez {support}

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""


def invitation_code_message(mail: CodeMail) -> EmailMessage:
    body = _BODY.format(
        service=mail.extra.get(INVITING_SERVICE, ""),
        recipient=mail.recipient,
        code=mail.code,
        window_hours=mail.window_hours,
        deadline=french_datetime(mail.deadline),
        steps=numbered(INVITATION_STEPS),
        support=mail.support.mail_lines(),
    )
    return mail.message(SUBJECT, body)
