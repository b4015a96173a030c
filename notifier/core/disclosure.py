"""Words that disclose the program's nature on a lock screen (42 CFR Part 2: a text must not say
that its reader is in substance-use treatment). One list for every place that checks: the SMS
templates (``notifier check-templates``), staff texts, the program's trading name and the
locations of meetings (``NOTIFIER_GROUPS``, ``notifier sessions add --location``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Stems, not whole words: each matches at the start of a word and any ending after it
# ("treatment" -> "treatments", "relaps" -> "relapsed", "adicci" -> "adicciones"); accents are
# folded before matching ("recaída" -> "recaida"). A stem is kept long enough not to catch
# everyday words: "treatment" not "treat", "sobriedad" not "sobr" (Spanish "sobre"). Naloxone
# is not on the list: the overdose reply names it when a program turns that line on
# (NOTIFIER_OVERDOSE_NALOXONE_LINE), because in an overdose the medicine's name saves a life.
DEFAULT_DISCLOSURE_WORDS = (
    # English
    "drug", "alcohol", "addict", "recover", "treatment", "rehab", "sober", "sobriety",
    "relaps", "iop", "substance", "detox", "methadone", "suboxone", "buprenorphine", "opioid",
    "opiate", "narcotic", "fentanyl", "heroin", "cocaine", "12-step",
    "aa meeting", "na meeting", "intensive outpatient", "outpatient program",
    # Spanish
    "droga", "drogadic", "adicci", "adict", "alcoholi", "recuperaci", "tratamiento",
    "rehabilita", "sobriedad", "recaida", "recaer", "recai", "sustancia", "desintoxica",
    "metadona", "opioide", "opiaceo", "narcotico", "estupefaciente", "ambulatorio intensivo",
)  # fmt: skip


def _folded(text: str) -> str:
    """Lower case without accents: "Recaída" -> "recaida"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def disclosing(text: str, words: Iterable[str]) -> list[str]:
    """The words of ``text`` (lower case, accents folded) that begin with one of the stems
    ``words`` (see DEFAULT_DISCLOSURE_WORDS), each once, in the order of the stems."""
    folded = _folded(text)
    found: list[str] = []
    for stem in words:
        for match in re.finditer(rf"(?<![\w-]){re.escape(_folded(stem))}[\w-]*", folded):
            if match.group() not in found:
                found.append(match.group())
    return found


def words_with(extra: Iterable[str]) -> tuple[str, ...]:
    """The default list and a program's own words (``NOTIFIER_DISCLOSURE_WORDS``)."""
    return DEFAULT_DISCLOSURE_WORDS + tuple(w.lower() for w in extra)


def location_problem(location: str, extra: Iterable[str] = ()) -> str | None:
    """Why a meeting's location may not be sent in a reminder, or None when it may."""
    found = disclosing(location, words_with(extra))
    if not found:
        return None
    return (
        "expected a location that does not name the program's nature (a lock screen shows "
        "reminders to anyone): " + ", ".join(repr(w) for w in found)
    )
