"""The e-mail of the second step at sign-in (SPEC §9): 6 digits, valid 10 minutes.

Like every code e-mail: plain text, no link, no logo; the code, its deadline (Paris time), and
what to do if the reader did not just sign in (someone has the password)."""

from __future__ import annotations

from email.message import EmailMessage

from domain.formatting import french_datetime, validity_text
from mail.code_mail import CodeMail

SIGN_IN_SUBJECT = "Espace abonné des professionnels\u00a0: votre code de vérification"

_SIGN_IN = """\
ESPACE ABONNE DES PROFESSIONNELS

Une connexion à votre espace abonné professionnel est en cours depuis un navigateur qui n'y est \
pas encore reconnu. Pour la terminer, saisissez le code de vérification suivant sur la page \
«\u00a0Code de vérification\u00a0»\u00a0:

{code}

Ce code est valable {validity}, soit jusqu'au {deadline}. Il ne peut servir qu'une fois\u202f; \
une nouvelle connexion le remplace.

Si vous n'êtes pas à l'origine de cette connexion, ne communiquez ce code à personne\u00a0: \
quelqu'un connaît peut-être votre mot de passe. Modifiez-le et contactez {support}

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""


def sign_in_code_message(mail: CodeMail) -> EmailMessage:
    body = _SIGN_IN.format(
        code=mail.code,
        validity=validity_text(mail.deadline - mail.sent_at),
        deadline=french_datetime(mail.deadline),
        support=mail.support.mail_lines(),
    )
    return mail.message(SIGN_IN_SUBJECT, body)
