"""How long what has served its purpose is kept (SPEC §9), stated once: the personal-data page
reads these, as the purge schedule is to. (The device cookie's lifetime is the setting
`DEVICE_LIFETIME`.)"""

from __future__ import annotations

from datetime import timedelta

# Spent code deliveries, idempotent answers, ended sessions and device cookies.
SPENT_ROWS = timedelta(days=30)
# The security events of « Activité de mon espace ».
EVENT_MONTHS = 12
