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
    """What a reply carries beside its category, in the order a reply lists them. The names
    are a contract (``replies --format json``, the follow-up flags, alert routing)."""

    CRISIS = "crisis"
    CONCERN = "concern"
    USE = "use"
    CALLBACK = "callback"
    MEDICAL = "medical"  # a body in danger or severe withdrawal
    VIOLENCE = "violence"  # intent to seriously hurt someone else
    SAFETY = "safety"  # hurt, threatened or controlled at home
    MEDICATION = "medication"  # treatment medication interrupted
    NALOXONE = "naloxone"  # needs naloxone now or soon
    PREGNANCY = "pregnancy"  # the client is or may be pregnant
    LIFE_EVENT = "life_event"  # a death, housing lost, children removed, arrest, job lost
    WRONG_NUMBER = "wrong_number"  # the phone is not the client's


@dataclass(frozen=True, slots=True)
class Classification:
    """One reply's meaning. ``category`` is a :class:`Category` value; ``signals`` are
    :class:`Signal` values in the enum's order; ``rule`` names the rule that decided the
    category; ``evidence`` is the matched span of the normalised text; ``urgent_evidence`` the
    words that made it urgent (911 first), empty when it is not."""

    category: str
    score: int | None = None  # 0-10 when a score was found and a check-in is open
    revokes: bool = False  # the text also asks us to stop texting (opt-out applies too)
    signals: tuple[str, ...] = ()
    rule: str = "free_text.default"
    urgent: bool = False  # crisis where life is in danger now -> 911 first
    language: str = "en"
    evidence: str = ""
    urgent_evidence: str = ""
