"""The GSM-7 alphabet (3GPP TS 23.038): what fits in a 160-character SMS segment."""

from __future__ import annotations

import unicodedata

BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = frozenset("^{}\\[~]|€\f")  # each costs two septets


def fold(text: str) -> str:
    """Replace accented letters GSM-7 lacks (á í ó ú ...) by their base letter; keep the rest.

    One such character would switch the whole message to UCS-2 and halve its segment size."""
    out = []
    for c in text:
        if c in BASIC or c in EXTENSION:
            out.append(c)
            continue
        base = "".join(
            ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)
        )
        out.append(base if base and all(b in BASIC for b in base) else c)
    return "".join(out)
