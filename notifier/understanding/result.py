"""What a reply means: the public result types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    CONFIRM = "confirm"
    DECLINE = "decline"
    CHECKIN_ANSWER = "checkin_answer"
    CRISIS = "crisis"
    CONCERN = "concern"
    FREE_TEXT = "free_text"


class Signal(StrEnum):
    CRISIS = "crisis"
    CONCERN = "concern"
    USE = "use"
    CALLBACK = "callback"


@dataclass(frozen=True, slots=True)
class Classification:
    """One reply's meaning. ``category`` is a :class:`Category` value; ``signals`` are
    :class:`Signal` values in the order crisis, concern, use, callback; ``rule`` names the rule
    that decided the category; ``evidence`` is the matched span of the normalised text."""

    category: str
    score: int | None = None  # 0-10 when a score was found and a check-in is open
    revokes: bool = False  # the text also asks us to stop texting (opt-out applies too)
    signals: tuple[str, ...] = ()
    rule: str = "free_text.default"
    urgent: bool = False  # crisis where life is in danger now -> 911 first
    language: str = "en"
    evidence: str = ""
