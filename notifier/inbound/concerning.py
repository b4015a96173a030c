"""Which check-in scores staff should look at: the one rule, used by the acknowledgement a client
gets (replies.py) and by the follow-up list (followup.py).

Most scales are bad when high (cravings, stress); NOTIFIER_LOW_SCORE_LABELS (mood) are bad when
low, so 1 on mood is as concerning as 9 on cravings.
"""

from __future__ import annotations

from notifier.core.settings import Settings


def low_is_bad(label: str | None, settings: Settings) -> bool:
    return label is not None and label in settings.low_score_labels


def concerning(label: str | None, score: int, settings: Settings) -> bool:
    """A score staff should look at: high on most scales, low on mood (where 10 is great)."""
    return excess(label, score, settings) > 0


def excess(label: str | None, score: int, settings: Settings) -> int:
    """How far past the threshold a score is: 0 = not concerning, 1 = at the threshold, ...

    Low-is-bad labels mirror the threshold: with NOTIFIER_HIGH_SCORE=7, mood 3 counts as 7 does
    on cravings, and mood 1 as cravings 9, so the two rank together.
    """
    if low_is_bad(label, settings):
        limit = 10 - settings.high_score
        return limit - score + 1 if score <= limit else 0
    return score - settings.high_score + 1 if score >= settings.high_score else 0


def low_end(label: str | None, settings: Settings) -> bool:
    """True for scales where a low score is the worrying end (the reply path's name for
    :func:`low_is_bad`)."""
    return low_is_bad(label, settings)
