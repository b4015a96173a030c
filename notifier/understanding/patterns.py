"""The pattern grammar the lexicons are written in, compiled to regular expressions.

A pattern is a sequence of items separated by spaces and matched on whole words of the
*view* string (see :mod:`notifier.understanding.view`): every word is followed by one space
and sentences are separated by ``|`` (commas by ``,``), e.g. ``"| i want to die , honestly | "``.

Items (documented for reviewers at the top of ``lexicons/en.toml``)::

    word        the word itself                  <lemma>   any form listed in [forms]
    {class}     any entry of [classes]           a|b|c     one of the alternatives
    item?       optional                         _         exactly one word
    ...         zero to three words              !item     next word is NOT item (lookahead)
    ^ / $       start / end of a sentence        a_b       inside an alternative: "a b"
    #           a number of 10 or more ("took 40 tylenol": a quantity, never a score or a count
                of days a reader would call small)

Writing rules this way rather than as raw regular expressions keeps them reviewable by a
clinician and makes it impossible to match half a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from notifier.understanding.finder import Finder

WORD = r"[^ |,]+ "
BIG_NUMBER = r"[1-9][0-9]{1,3} "
GAP = r"(?:[^ |]+ ){0,3}"  # may cross a comma, never a sentence end
START = r"(?<=[|,] )"
END = r"(?=[|,] )"

_GAP_WORDS = 3


def _gaps(n: int) -> str:
    """``n`` gaps in a row as one: ``(?:[^ |]+ ){0,3n}`` matches what ``GAP * n`` matches, and
    the same span (both take the most words that let the rest match), but a failing try costs
    3n + 1 steps instead of 4**n: nine gaps in a row cost 0.7 ms on a long message."""
    return GAP if n == 1 else rf"(?:[^ |]+ ){{0,{_GAP_WORDS * n}}}"


class PatternError(ValueError):
    """A lexicon pattern that does not parse (caught by tests/unit/understanding)."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What ``<lemma>`` and ``{class}`` refer to, for one language."""

    forms: Mapping[str, tuple[str, ...]]
    classes: Mapping[str, tuple[str, ...]]
    # Frequent words ("i", "to", "que"): a poor pre-filter, so anchors avoid them.
    common: frozenset[str] = frozenset()


def _phrase(words: str) -> str:
    return "".join(re.escape(w) + " " for w in words.split())


def _alternative_phrases(alt: str, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """Regex branches for one alternative, and the plain phrases they match (none for ``^`` and
    ``$``): their first words feed the anchor pre-filter, their words the phrase pre-filter."""
    if alt == "$":
        return [END], []
    if alt == "^":
        return [START], []
    if alt.startswith("<") and alt.endswith(">"):
        lemma = alt[1:-1]
        if lemma not in vocab.forms:
            raise PatternError(f"unknown lemma <{lemma}>")
        forms = vocab.forms[lemma]
        return [_phrase(f) for f in forms], list(forms)
    if alt.startswith("{") and alt.endswith("}"):
        name = alt[1:-1]
        if name not in vocab.classes:
            raise PatternError(f"unknown class {{{name}}}")
        entries = vocab.classes[name]
        return [_phrase(e) for e in entries], list(entries)
    if not alt or any(c in alt for c in "<>{}!?"):
        raise PatternError(f"bad alternative {alt!r}")
    words = alt.replace("_", " ")
    return [_phrase(words)], [words]


@dataclass(frozen=True, slots=True)
class Compiled:
    regex: str
    # Words one of which must be in the text for the pattern to match; None = cannot tell.
    anchors: frozenset[str] | None
    # True when every match STARTS with one of the anchor words: the pattern is then tried
    # only at those words (``match`` at a position) instead of scanning the text.
    starts: bool = False
    # The most words (view tokens, commas included) one match can span.
    span: int = 0
    # Per mandatory item other than the anchors', the words one of which must be in the text:
    # a match holds every mandatory item, so a text lacking any of these sets cannot match
    # ("took ... pills" is not tried on a text with "took" but no pill word).
    # Per mandatory item whose alternatives are phrases, also the rarest word of each: "not
    # breathing" needs "breathing" as well as the common "not" the anchor index found.
    requires: tuple[frozenset[str], ...] = ()


def compile_pattern(pattern: str, vocab: Vocabulary) -> Compiled:
    items = pattern.split()
    if not items:
        raise PatternError("empty pattern")
    out: list[str] = []
    # Candidate anchors: the first words of each mandatory item; the best is kept below.
    candidates: list[frozenset[str]] = []
    rare: list[frozenset[str]] = []
    first: frozenset[str] | None = None
    span = 0
    gaps = 0  # gaps seen in a row, written as one when the run ends
    for n, item in enumerate(items):
        if item in ("...", "...?"):
            gaps += 1
            span += _GAP_WORDS
            continue
        if gaps:
            out.append(_gaps(gaps))
            gaps = 0
        if item in ("_", "#"):
            out.append(WORD if item == "_" else BIG_NUMBER)
            span += 1
            continue
        negative = item.startswith("!")
        optional = item.endswith("?") and len(item) > 1
        body = item[1 if negative else 0 : -1 if optional else None]
        branches: list[str] = []
        plain: list[str] = []
        for alt in body.split("|"):
            b, p = _alternative_phrases(alt, vocab)
            branches += b
            plain += p
        starts = [p.split()[0] for p in plain]
        # Longest first so the evidence span is the fullest reading.
        alternation = "(?:" + "|".join(sorted(set(branches), key=lambda b: -len(b))) + ")"
        if not negative:
            span += max((b.count(" ") for b in branches), default=0)
        if negative:
            out.append(f"(?!{alternation})")
        elif optional:
            out.append(alternation + "?")
        else:
            out.append(alternation)
            if starts and len(starts) == len(branches):
                candidates.append(frozenset(starts))
                rare.append(frozenset(_rarest(p, vocab.common) for p in plain))
                if n == 0:
                    first = frozenset(starts)
    if gaps:
        out.append(_gaps(gaps))
    # Any mandatory item must be in the text; the one with the fewest frequent words filters best
    # (later items win ties: they are usually the content word, "want to <die>").
    anchors = None
    if candidates:
        anchors = min(reversed(candidates), key=lambda c: len(c & vocab.common))
    # Starting at the first item's words is cheaper than scanning for a rarer later word.
    common = vocab.common
    if first is not None and anchors is not None and len(first & common) <= len(anchors & common):
        requires = _requires(candidates, rare, first)
        return Compiled("".join(out), first, True, span, requires)
    requires = _requires(candidates, rare, anchors)
    return Compiled("".join(out), anchors, False, span, requires)


def _rarest(phrase: str, common: frozenset[str]) -> str:
    """The word of a phrase least likely to be in any text: the first that is not a frequent
    word, else the last ("not breathing" -> "breathing")."""
    words = phrase.split()
    return next((w for w in words if w not in common), words[-1])


def _requires(
    candidates: list[frozenset[str]], rare: list[frozenset[str]], anchors: frozenset[str] | None
) -> tuple[frozenset[str], ...]:
    """The word sets a text must meet beside the anchors: each mandatory item's first words and
    its phrases' rarest words, each set once."""
    out: list[frozenset[str]] = []
    for c in (*candidates, *rare):
        if c != anchors and c not in out:
            out.append(c)
    return tuple(out)


def compile_each(patterns: Sequence[str], vocab: Vocabulary) -> tuple[Compiled, ...]:
    return tuple(compile_pattern(p, vocab) for p in patterns)


def compile_any(patterns: Sequence[str], vocab: Vocabulary) -> Finder | None:
    """One search for a list of patterns (exceptions, ``with_any``: run only after a match),
    skipped when the message lacks the words every pattern needs."""
    compiled = compile_each(patterns, vocab)
    return Finder.of(
        "(?<= )(?:{})",
        [
            (f"(?:{c.regex})", None if c.anchors is None else (c.anchors, *c.requires))
            for c in compiled
        ],
        vocab.common,
    )
