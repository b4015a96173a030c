"""Which check-in scores are concerning: the one rule the reply path (a stronger
acknowledgement) and the follow-up list (flags and order) both use."""

from __future__ import annotations

from notifier.settings import Settings


def excess(label: str | None, score: int, settings: Settings) -> int:
    """How far past the threshold a score is (0 = not concerning). High is the worrying end of
    most scales; on ``NOTIFIER_LOW_SCORE_LABELS`` (mood, where 10 is great) low is."""
    if low_end(label, settings):
        limit = 10 - settings.high_score
        return limit - score + 1 if score <= limit else 0
    return score - settings.high_score + 1 if score >= settings.high_score else 0


def concerning(label: str | None, score: int, settings: Settings) -> bool:
    """A score staff should look at."""
    return excess(label, score, settings) > 0


def low_end(label: str | None, settings: Settings) -> bool:
    """True for scales where a low score is the worrying end."""
    return label in settings.low_score_labels
