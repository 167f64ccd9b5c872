"""The code e-mails of « Mot de passe oublié ? » and « Modifier mon adresse électronique ».

Like the activation e-mail: plain text, no link, no logo; the code, how long it is valid (a date
and time, Paris time), and what to do if the request was not the reader's. The reset e-mail
recalls the trust question's label (never its answer), which the next step asks for.
"""

from __future__ import annotations

from email.message import EmailMessage

from domain.formatting import french_datetime, validity_text
from mail.code_mail import CodeMail

RESET_SUBJECT = "Espace abonné des professionnels\u00a0: réinitialisation de votre mot de passe"
EMAIL_CHANGE_SUBJECT = "Espace abonné des professionnels\u00a0: confirmez votre nouvelle adresse"

_FOOTER = """\
Ce code doit être saisi en respectant les majuscules et les minuscules. Il ne peut servir \
qu'une fois\u202f; une nouvelle demande le remplace.

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

{privacy}

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""

_PASSWORD_RESET = (
    """\
ESPACE ABONNE DES PROFESSIONNELS

Vous avez demandé à réinitialiser le mot de passe de votre espace abonné professionnel \
(«\u00a0Mot de passe oublié\u202f?\u00a0»). Saisissez le code suivant sur la page de \
réinitialisation\u00a0:

{code}

Ce code est valable {validity}, soit jusqu'au {deadline}. La page vous demandera aussi la \
réponse à votre question de confiance\u00a0:

{question}

Si vous n'êtes pas à l'origine de cette demande, ne communiquez ce code à personne\u00a0: votre \
mot de passe actuel reste valable. Si vous recevez ce message sans l'avoir demandé à plusieurs \
reprises, contactez {support}

"""
    + _FOOTER
)

_EMAIL_CHANGE = (
    """\
ESPACE ABONNE DES PROFESSIONNELS

Vous avez demandé que cette adresse électronique devienne l'identifiant de votre espace abonné \
professionnel. Pour le confirmer, saisissez le code suivant dans votre espace, rubrique \
«\u00a0Modifier mon adresse électronique\u00a0»\u00a0:

{code}

Ce code est valable {validity}, soit jusqu'au {deadline}. Tant qu'il n'a pas été saisi, votre \
identifiant reste votre adresse actuelle.

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message\u00a0: sans ce code, rien ne \
change.

"""
    + _FOOTER
)


def password_reset_message(mail: CodeMail) -> EmailMessage:
    question = mail.extra.get("question_label", "")
    support = mail.support.mail_lines()
    return _message(mail, RESET_SUBJECT, _PASSWORD_RESET, question=question, support=support)


def email_change_message(mail: CodeMail) -> EmailMessage:
    return _message(mail, EMAIL_CHANGE_SUBJECT, _EMAIL_CHANGE)


def _message(mail: CodeMail, subject: str, text: str, **wording: str) -> EmailMessage:
    """`text` with the code and how long it lasts, then the purpose's own `wording`."""
    validity = validity_text(mail.deadline - mail.sent_at)
    deadline = french_datetime(mail.deadline)
    body = text.format(
        code=mail.code,
        validity=validity,
        deadline=deadline,
        privacy=mail.support.privacy_lines(),
        **wording,
    )
    return mail.message(subject, body)
