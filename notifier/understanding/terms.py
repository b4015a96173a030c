"""Crisis terms: the public default list and the custom terms a deployment adds.

``DEFAULT_CRISIS_TERMS`` is kept for callers that pass ``DEFAULT_CRISIS_TERMS + extra``
(NOTIFIER_CRISIS_TERMS). The default terms are covered by the named rules, which also know
negation and subject ("I'm not suicidal" is a concern, not a crisis); only the *extra* terms
are matched as plain phrases, on word boundaries after normalisation (rule
``crisis.custom_term``). The rules always run: an empty term list cannot switch off crisis
detection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from notifier.core.enums import LANGUAGES
from notifier.understanding.lexicon import load
from notifier.understanding.normalise import detect_language, full, surface
from notifier.understanding.view import View

DEFAULT_CRISIS_TERMS: tuple[str, ...] = tuple(
    t for code in LANGUAGES for t in load().languages[code].crisis_terms
)
_DEFAULT = frozenset(DEFAULT_CRISIS_TERMS)


def _term_regex(term: str) -> str | None:
    view = View.of(full(term, detect_language(surface(term))))
    words = [w for w in view.text.split() if w not in ("|", ",")]
    if not words:
        return None  # a blank or punctuation-only term must never match everything
    return "".join(re.escape(w) + " " for w in words)


@lru_cache(maxsize=32)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    patterns = {p for p in (_term_regex(t) for t in terms) if p}
    if not patterns:
        return None
    return re.compile("(?<= )(?:" + "|".join(sorted(patterns, key=len, reverse=True)) + ")")


def custom_terms(terms: Sequence[str]) -> re.Pattern[str] | None:
    """The compiled extra terms (those not in the default list), or None."""
    if terms is DEFAULT_CRISIS_TERMS:
        return None
    if isinstance(terms, str):  # a single term passed by mistake, not a list of characters
        terms = (terms,)
    extra = tuple(t for t in terms if isinstance(t, str) and t not in _DEFAULT)
    return _compiled(extra) if extra else None


# Last resort when the classifier itself fails: the default terms as plain phrases over the
# surface text, so an internal error can still not hide "i want to die".
_FALLBACK = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(
        sorted(
            (re.escape(surface(t).replace("'", "")) for t in DEFAULT_CRISIS_TERMS),
            key=len,
            reverse=True,
        )
    )
    + r")(?![^\W_])"
)


def fallback_crisis(body: str) -> str | None:
    m = _FALLBACK.search(surface(body).replace("'", ""))
    return m.group(0) if m else None
