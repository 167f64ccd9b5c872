"""How long what has served its purpose is kept (SPEC §9), stated once: the personal-data and
cookie pages read these, as the purge schedule and the device cookie do."""

from __future__ import annotations

from datetime import timedelta

# Spent code deliveries, idempotent answers, ended sessions and device cookies.
SPENT_ROWS = timedelta(days=30)
# The security events of « Activité de mon espace ».
EVENT_MONTHS = 12
# The cookie of a browser recognised after a sign-in's second step.
DEVICE_COOKIE = timedelta(days=30)
