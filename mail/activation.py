"""The activation e-mail, from the procedure's sheet: plain text, no link, no logo."""

from __future__ import annotations

from email.message import EmailMessage

from domain.activation_steps import ACTIVATION_STEPS
from domain.formatting import french_datetime
from mail.code_mail import CodeMail, numbered

SUBJECT = "Espace abonné des professionnels\u00a0: votre code d'activation"

# The sheet's e-mail, in French typography (a no-break space before « : ? ! », inside « »).
# The steps name the same places as the « Courriel envoyé » page: both read ACTIVATION_STEPS.
_BODY = """\
ESPACE ABONNE DES PROFESSIONNELS

Vous avez demandé la création d'un espace abonné professionnel, cette demande a bien été prise \
en compte. Votre espace abonné sera activé lorsque vous aurez saisi le code suivant\u00a0:

{code}

Ce code doit être saisi en respectant les majuscules et les minuscules. Vous disposez d'un délai \
de {window_hours}\u00a0heures à compter de l'envoi de ce message pour activer votre compte, soit \
jusqu'au {deadline}. Au-delà de ce délai, votre pré-inscription sera supprimée et vous devrez \
recommencer toute la procédure.

Pour activer votre compte, veuillez suivre la procédure suivante\u00a0:

{steps}

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

Si vous avez une question particulière, nous vous invitons à ne pas répondre à l'adresse \
électronique de ce message mais à vous connecter sur notre site, où vous trouverez \
les réponses aux questions les plus fréquentes.

Si vous n'êtes pas à l'origine de cette demande, ne saisissez pas ce code et contactez \
{support}

{privacy}

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""


def activation_code_message(mail: CodeMail) -> EmailMessage:
    body = _BODY.format(
        code=mail.code,
        window_hours=mail.window_hours,
        deadline=french_datetime(mail.deadline),
        steps=numbered(ACTIVATION_STEPS),
        support=mail.support.mail_lines(),
        privacy=mail.support.privacy_lines(),
    )
    return mail.message(SUBJECT, body)
