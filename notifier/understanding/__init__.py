"""Understanding a client's SMS reply: crisis and concern language, opt-outs, scores,
confirm/decline, and the signals (the label policy: evaluation/corpus/POLICY.md).

Public API (a contract other modules code against)::

    classify(body, *, opted_out=False, open_prompts=(), crisis_terms=DEFAULT_CRISIS_TERMS)
        -> Classification
    Classification, Category, Signal, DEFAULT_CRISIS_TERMS, parse_score, normalise, MAX_CHARS

Layout: ``normalise`` (SMS text -> words), ``lexicons/*.toml`` (every word and phrase, per
language, reviewable), ``patterns`` (the grammar rules are written in), ``rules`` (negation,
subject, tense checks around a match), ``prompts`` (opt-out / opt-in / help / confirm /
decline), ``score`` (0-10 parser), ``classify`` (the priority order only).
"""

from __future__ import annotations

from notifier.understanding.classify import classify
from notifier.understanding.normalise import normalise
from notifier.understanding.result import Category, Classification, Signal
from notifier.understanding.score import MAX_CHARS, parse_score
from notifier.understanding.terms import DEFAULT_CRISIS_TERMS

__all__ = [
    "DEFAULT_CRISIS_TERMS",
    "MAX_CHARS",
    "Category",
    "Classification",
    "Signal",
    "classify",
    "normalise",
    "parse_score",
]
