"""The French name of each security event, as « Activité de mon espace » shows it."""

from __future__ import annotations

from domain.security_events import EventType

EVENT_LABELS: dict[EventType, str] = {
    EventType.SIGN_IN: "Connexion à l'espace",
    EventType.SIGN_IN_REFUSED: "Connexion refusée (mot de passe incorrect)",
    EventType.SIGN_IN_LOCKED: "Connexion bloquée après trop d'échecs",
    EventType.SECOND_STEP: "Code de vérification saisi à la connexion",
    EventType.PASSWORD_CHANGED: "Mot de passe modifié",
    EventType.PASSWORD_RESET: "Mot de passe réinitialisé (mot de passe oublié)",
    EventType.EMAIL_CHANGED: "Adresse électronique modifiée",
    EventType.CONTACT_CHANGED: "Coordonnées modifiées",
    EventType.TOTP_ENABLED: "Application d'authentification activée",
    EventType.TOTP_DISABLED: "Application d'authentification désactivée",
    EventType.RECOVERY_CODE_USED: "Code de secours utilisé",
    EventType.SESSION_ENDED: "Session fermée",
    EventType.DEVICE_FORGOTTEN: "Appareil oublié",
    EventType.ADHESION_REQUESTED: "Adhésion demandée",
    EventType.ADHESION_ACTIVATED: "Adhésion activée",
    EventType.ADHESION_ENDED: "Adhésion terminée",
    EventType.SUPPORT_ACTION: "Intervention de l'assistance",
}
