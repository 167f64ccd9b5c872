"""The e-mail that tells a subscriber of a sensitive change to their space.

Like the activation e-mail: plain text, no link, no logo. It names the change and its time (Paris
time), and says what to do if the subscriber did not make it. It never holds a secret.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from domain.changes import Change
from domain.formatting import PARIS, french_datetime
from domain.support import DEFAULT_SUPPORT, SupportChannel

# Subject line and the sentence that names the change.
_WORDING: dict[Change, tuple[str, str]] = {
    Change.PASSWORD_CHANGED: (
        "Espace abonné des professionnels\u00a0: votre mot de passe a été modifié",
        "Le mot de passe de votre espace abonné professionnel a été modifié depuis votre espace. "
        "Vos autres sessions ouvertes ont été fermées.",
    ),
    Change.PASSWORD_RESET: (
        "Espace abonné des professionnels\u00a0: votre mot de passe a été réinitialisé",
        "Le mot de passe de votre espace abonné professionnel a été réinitialisé à l'aide du code "
        "envoyé par courriel («\u00a0Mot de passe oublié\u202f?\u00a0»). Toutes vos sessions "
        "ouvertes ont été fermées.",
    ),
    Change.EMAIL_CHANGED: (
        "Espace abonné des professionnels\u00a0: votre identifiant a été modifié",
        "L'adresse électronique qui sert d'identifiant à votre espace abonné professionnel a été "
        "remplacée par l'adresse {new_email}. Cette adresse-ci n'est plus votre identifiant et ne "
        "recevra plus de message de votre espace. Vos autres sessions ouvertes ont été fermées.",
    ),
    Change.CONTACT_CHANGED: (
        "Espace abonné des professionnels\u00a0: vos coordonnées ont été modifiées",
        "Les coordonnées (téléphone et adresse postale) de votre espace abonné professionnel ont "
        "été modifiées. Votre formulaire d'inscription a été mis à jour.",
    ),
    Change.SPACE_CLOSED: (
        "Espace abonné des professionnels\u00a0: votre espace a été fermé",
        "Votre espace abonné professionnel a été fermé à votre demande. Vos données personnelles "
        "ont été effacées\u202f; votre numéro d'abonné ne sera attribué à personne d'autre. Ce "
        "message est le dernier que vous recevrez de votre espace.",
    ),
    Change.NEW_DEVICE_SIGN_IN: (
        "Espace abonné des professionnels\u00a0: connexion depuis un nouveau navigateur",
        "Une connexion à votre espace abonné professionnel a eu lieu depuis un navigateur qui "
        "n'y était pas reconnu, après la saisie de votre mot de passe et d'un code de "
        "vérification. Ce navigateur est désormais reconnu pendant 30\u00a0jours\u202f; vous "
        "pouvez l'oublier depuis votre espace, rubrique «\u00a0Mes sessions\u00a0».",
    ),
    Change.TOTP_ENABLED: (
        "Espace abonné des professionnels\u00a0: application d'authentification activée",
        "Une application d'authentification a été associée à votre espace abonné professionnel. "
        "Ses codes vous seront demandés à la connexion depuis un navigateur non reconnu.",
    ),
    Change.TOTP_DISABLED: (
        "Espace abonné des professionnels\u00a0: application d'authentification désactivée",
        "L'application d'authentification de votre espace abonné professionnel a été "
        "désactivée. Ses codes et vos codes de secours ne sont plus valables\u202f; un code "
        "vous sera envoyé par courriel à la connexion depuis un navigateur non reconnu.",
    ),
    Change.RECOVERY_CODE_USED: (
        "Espace abonné des professionnels\u00a0: un code de secours a été utilisé",
        "Un de vos codes de secours a servi à vous connecter à votre espace abonné "
        "professionnel. Il ne peut plus servir. S'il ne vous en reste que peu, désactivez puis "
        "réactivez l'application d'authentification pour en obtenir de nouveaux.",
    ),
}

_BODY = """\
ESPACE ABONNE DES PROFESSIONNELS

{what}

Date de la modification\u00a0: le {when}.

Si vous êtes à l'origine de cette modification, vous n'avez rien à faire.

Si vous n'êtes pas à l'origine de cette modification, quelqu'un d'autre a peut-être accès à votre \
espace. Contactez sans attendre {support} Indiquez-lui la date ci-dessus. Ne communiquez jamais \
votre mot de passe ni la réponse à votre question de confiance\u00a0: l'assistance ne vous les \
demandera pas.

L'Administration Fiscale vous remercie de l'intérêt que vous portez à ses services.

{privacy}

Pour votre sécurité, l'administration fiscale ne vous adresse jamais de messages contenant un \
logo ou un lien renvoyant sur un site Internet. Si vous recevez un tel message, merci de ne pas \
utiliser ce lien.
"""


def masked_email(email: str) -> str:
    """« l•••@exemple.fr »: enough to recognise an address, not to copy it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def subject_of(change: Change) -> str:
    return _WORDING[change][0]


def notification_message(
    *,
    sender: str,
    recipient: str,
    change: Change,
    changed_at: datetime,
    sent_at: datetime,
    message_key: str,
    new_email: str | None = None,
    support: SupportChannel = DEFAULT_SUPPORT,
) -> EmailMessage:
    """Build the e-mail. `message_key` makes the Message-ID stable, so that a retried send is
    recognisable as the same message."""
    subject, what = _WORDING[change]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(sent_at.astimezone(PARIS))
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<notification.{message_key[:48]}@{domain}>"
    shown = masked_email(new_email) if new_email else ""
    body = _BODY.format(
        what=what.format(new_email=shown),
        when=french_datetime(changed_at),
        support=support.mail_lines(),
        privacy=support.privacy_lines(),
    )
    message.set_content(body, charset="utf-8")
    return message
