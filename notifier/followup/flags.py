"""The follow-up list's flags: their names, their order, their words, and the one rule that
names a check-in score's flag. Every surface (CLI table, JSON, CSV, printable page, staff
pages) takes its flag names from here, so a stress 9 is ``high_score`` everywhere and only a
cravings score is ``high_craving``.
"""

from __future__ import annotations

import re

from notifier.core.settings import Settings
from notifier.inbound.concerning import excess, low_is_bad
from notifier.understanding.lexicon import SIGNALS

# Every flag, most urgent first; a client ranks by their most urgent flag (see RANK). The
# kinds a clinic acts on at once (docs/kinds.md) come right after crisis and concern: a body
# in danger, someone else in danger, the client unsafe at home.
FLAGS = (
    "crisis",
    "concern",
    "medical",
    "violence",
    "safety",
    "use",
    "callback",
    "medication",
    "naloxone",
    "pregnancy",
    "life_event",
    "help",
    "high_craving",
    "high_score",
    "low_score",
    "missed_twice",
    "declined",
    "no_reply",
    "unreachable",
    "wrong_number",
    "opted_out",
    "confirmed",
)
SCORE_FLAGS = ("high_craving", "high_score", "low_score")
# A score past its threshold is as urgent on any scale (mood 1 = stress 9 = cravings 9): the
# three score flags share a rank, and the score further past its threshold goes first.
RANK = {f: i for i, f in enumerate(FLAGS)} | {f: FLAGS.index("high_craving") for f in SCORE_FLAGS}
# What each flag means, for pages and printouts.
FLAG_TEXT = {
    "crisis": "CRISIS",
    "concern": "concern",
    "medical": "MEDICAL",
    "violence": "may harm someone",
    "safety": "unsafe at home",
    "use": "mentions use",
    "callback": "asked for a call",
    "medication": "medication interrupted",
    "naloxone": "needs naloxone",
    "pregnancy": "pregnancy",
    "life_event": "life event",
    "help": "asked for help",
    "high_craving": "high cravings",
    "high_score": "high score",
    "low_score": "low score",
    "missed_twice": "missed twice",
    "declined": "can't attend",
    "no_reply": "no reply",
    "unreachable": "texts not arriving",
    "wrong_number": "wrong number",
    "opted_out": "opted out",
    "confirmed": "confirmed",
}
# Every signal a reply can carry is a flag of the same name (in the flags' order).
SIGNAL_FLAGS = tuple(f for f in FLAGS if f in SIGNALS)
# The check-in labels that ask about cravings (NOTIFIER_CHECKIN_QUESTIONS names them).
CRAVING_LABELS = frozenset({"cravings", "craving", "cravings_today"})

# A body that is only a score or a keyword ("7", "7/10", "Y", "yes 1", "STOP") has no words of
# its own to show; any other word ("stressed 8") is the client's own.
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
KEYWORDS = frozenset(
    {"y", "n", "yes", "no", "si", "sí", "ok", "okay", "k", "c", "confirm", "confirmed"}
    | {"stop", "help", "start", "opt", "out"}
)


def score_flag(label: str | None, score: int | None, settings: Settings) -> str | None:
    """The flag a score raises, or None: ``low_score`` on a low-is-bad label (mood) at or
    under its mirrored threshold, ``high_craving`` on a cravings label at or over
    NOTIFIER_HIGH_SCORE, ``high_score`` on any other label over it."""
    if score is None or not label or excess(label, score, settings) <= 0:
        return None
    if low_is_bad(label, settings):
        return "low_score"
    return "high_craving" if label.lower() in CRAVING_LABELS else "high_score"


def has_words(body: str | None) -> bool:
    """Does a reply say something beyond a number or a one-letter answer? Those replies are
    shown in the client's own words ("tengo muchas ganas de consumir hoy, como un 9")."""
    return any(w.lower() not in KEYWORDS for w in _WORD.findall(body or ""))
