"""TEMPORARY shim: what a reply means, in the shape of the ``understanding`` package.

Another change replaces this file with the real package (normalise, per-language lexicons,
named rules). Until then it wraps :func:`notifier.inbound.classify` and derives the new fields
crudely from a few phrases, so the reply path can be built and tested against the final API.
Nothing outside this file may depend on how these fields are derived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from notifier import inbound
from notifier.inbound import DEFAULT_CRISIS_TERMS, normalise

__all__ = ["DEFAULT_CRISIS_TERMS", "Category", "Classification", "Signal", "classify"]


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


@dataclass(frozen=True)
class Classification:
    category: str
    score: int | None = None
    revokes: bool = False
    signals: tuple[str, ...] = ()
    rule: str = ""
    urgent: bool = False
    language: str = "en"
    evidence: str = ""


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


_URGENT = _any(
    "overdos\\w*", "too many pills", "all my pills", "not breathing", "isn't breathing",
    "isnt breathing", "turning blue", "whole bottle", "sobredosis", "no respira",
)  # fmt: skip
_CONCERN = _any(
    "what'?s the point( anymore)?", "i'?m just a burden", "no way out", "i give up on everything",
    "never wake up", "not suicidal", "i'?m not okay", "tired of everything", "ya no puedo mas",
    "no tiene sentido",
)  # fmt: skip
_USE = _any(
    "relapsed", "i slipped", "used last night", "got high", "drank last night", "picked up again",
    "recai", "consumi anoche", "volvi a tomar",
)  # fmt: skip
_CALLBACK = _any(
    "call me", "need to talk to someone", "can we talk", "text me back", "necesito hablar",
    "llamenme", "me pueden llamar",
)  # fmt: skip
_SPANISH = _any(
    "quiero", "morir\\w*", "necesito", "hablar", "llamenme", "puedo", "estoy", "tengo", "para",
    "gracias", "pastillas", "recai", "alguien", "mas",
)  # fmt: skip


def classify(
    body: str,
    *,
    opted_out: bool = False,
    open_prompts: Sequence[str] = (),
    crisis_terms: Sequence[str] = DEFAULT_CRISIS_TERMS,
) -> Classification:
    old = inbound.classify(
        body, opted_out=opted_out, open_prompts=open_prompts, crisis_terms=crisis_terms
    )
    norm = normalise(body if isinstance(body, str) else "")
    language = "es" if _SPANISH.search(norm) else "en"
    category = old.category
    concern = _CONCERN.search(norm)
    if category != "crisis" and concern is not None:
        category = "concern"
    signals: list[str] = []
    if category in ("crisis", "concern"):
        signals.append(category)
    if _USE.search(norm):
        signals.append("use")
    if _CALLBACK.search(norm):
        signals.append("callback")
    urgent = category == "crisis" and _URGENT.search(norm) is not None
    return Classification(
        category=category,
        score=old.score,
        revokes=old.revokes,
        signals=tuple(signals),
        rule=f"shim.{category}" + (".urgent" if urgent else "") + f".{language}",
        urgent=urgent,
        language=language,
        evidence=concern.group(0) if category == "concern" and concern else "",
    )
