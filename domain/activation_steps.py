"""How to activate a space, worded once: the activation e-mail lists the steps (mail.activation)
and so does the « Courriel envoyé » page (web.enrollment_pages)."""

from __future__ import annotations

# The places the user goes to, named once: the e-mail and the « Courriel envoyé » page both list
# them (imperative in the e-mail, infinitive on the page, as in the sheet), and the pages show them
# (« Professionnels » in the breadcrumb, « Espace abonné (création, accès) » in the header, the
# link on the home page).
SITE = "le site de l'espace abonné professionnel"
SECTION = "Professionnels"
SPACE_LINK = "Espace abonné (création, accès)"
ACTIVATE_LINK = (
    "Vous souhaitez activer votre espace abonné\u202f? cliquez sur ce lien pour l'activer"
)


def _quoted(text: str) -> str:
    return f"«\u00a0{text}\u00a0»"


ACTIVATION_STEPS = (
    f"Connectez-vous sur {SITE}.",
    f"Cliquez sur {_quoted(SECTION)} puis sur {_quoted(SPACE_LINK)}.",
    f"Cliquez sur le lien {_quoted(ACTIVATE_LINK)}.",
    "Saisissez votre identifiant puis le code ci-dessus et validez.",
)
PAGE_STEPS = (
    f"vous connecter sur {SITE}\u00a0;",
    f"cliquer sur {_quoted(SECTION)} puis sur {_quoted(SPACE_LINK)}\u00a0;",
    f"cliquer sur le lien {_quoted(ACTIVATE_LINK)}\u00a0;",
    "puis saisir votre identifiant puis le code que vous avez reçu et valider.",
)


# An invitation (SPEC §8): the home page's link to its screens, and its e-mail's steps.
INVITATION_LINK = "Vous avez reçu une invitation\u202f?"
INVITATION_STEPS = (
    f"Connectez-vous sur {SITE}.",
    f"Cliquez sur {_quoted(SECTION)} puis sur {_quoted(SPACE_LINK)}.",
    f"Cliquez sur le lien {_quoted(INVITATION_LINK)}.",
    "Saisissez votre identifiant et le code ci-dessus, acceptez les conditions générales, "
    "choisissez votre mot de passe et votre question de confiance, vérifiez vos informations "
    "et confirmez.",
)
