"""Words that disclose the program's nature on a lock screen (42 CFR Part 2: a text must not say
that its reader is in substance-use treatment). One list for every place that checks: the SMS
templates (``notifier check-templates``), staff texts, the program's trading name and the
locations of meetings (``NOTIFIER_GROUPS``, ``notifier sessions add --location``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_DISCLOSURE_WORDS = (
    "drug", "drugs", "alcohol", "alcoholic", "addiction", "addict", "addicted", "recovery",
    "treatment", "rehab", "rehabilitation", "sober", "sobriety", "relapse", "iop",
    "substance", "detox", "methadone", "suboxone", "buprenorphine", "opioid", "opioids",
    "narcotics", "narcotic", "12-step", "aa meeting", "na meeting", "intensive outpatient",
    "drogas", "droga", "alcohol", "adiccion", "adicto", "recuperacion", "tratamiento",
    "rehabilitacion", "sobriedad", "recaida", "sustancias", "adicción", "recuperación",
    "rehabilitación", "recaída",
)  # fmt: skip


def disclosing(text: str, words: Iterable[str]) -> list[str]:
    """The words of ``words`` that ``text`` holds (whole words, any case)."""
    lowered = text.lower()
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", lowered)]


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
