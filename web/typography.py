"""French spacing for text that comes from elsewhere (rule messages, service errors): a no-break
space before « : » and inside « », a narrow one before « ; ? ! », so no sign starts a line.

The templates are written that way; this filter does the same for what they are handed."""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_BEFORE_COLON = re.compile(r" +:(?=\s|$)")
_BEFORE_TALL = re.compile(r" +([;?!])(?=\s|$|[«»)\"'])")
_AFTER_OPENING = re.compile(r"« +")
_BEFORE_CLOSING = re.compile(r" +»")


def french_spacing(text: str) -> str:
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_TALL.sub(NNBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    return _BEFORE_CLOSING.sub(NBSP + "»", text)
