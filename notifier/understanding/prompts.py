"""Keywords and prompt answers: opt-out, opt-in, help, confirm / decline.

This is the contract users rely on and it is unchanged from the first classifier:

* opt-out keywords (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT, "opt out",
  BAJA, PARAR, CANCELAR, DETENER) count as the *whole* message (polite words around them
  allowed: "STOP please") or as a sentence of their own ("Thanks for everything. STOP"), unless
  the rest of the message uses the word in prose or asks for help ("Stop. I can't stop thinking
  about using"): silencing someone who may be struggling is worse than a person reading it.
  These clients write about stopping and quitting all the time ("I want to quit drinking").
* plain-language revocations ("stop texting me", "no more texts", "ya no quiero mensajes")
  count anywhere, but not negated ("please don't stop texting me") or about someone else
  ("my dealer won't stop texting me", "told him to stop texting me").
* opt-in (START, UNSTOP, YES) and help (HELP, INFO, AYUDA) only as the whole message.
* confirm / decline answer an open session reminder; "running late" alone is neither.

Every word list is in ``lexicons/<lang>.toml``; the small dynamic programme and the reported-
speech check are the grammar and live here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from notifier.core.enums import LANGUAGES
from notifier.understanding.lexicon import load, words

_TOKEN = re.compile(r"[^\W_]+")
# A clause ends at sentence punctuation, emoji or a spaced dash. Apostrophes, slashes and bare
# hyphens stay inside ("don't", "7/10", "opt-out", "7-8").
_CLAUSE_SPLIT = re.compile(r"(?:[^\w\s'/-]|_)+|\s-+\s")
# Whole-message lexicon matching only looks at short texts; a keyword reply is a few words.
_MAX_KEYWORD_TOKENS = 16


# On ASCII text _TOKEN's words are the runs of letters and digits: every other character made a
# space (the apostrophe dropped) and split, in C.
_ASCII_TOKENS = str.maketrans(
    {c: "" if c == "'" else " " for c in map(chr, range(128)) if not c.isalnum()}
)


def tokens(text: str) -> tuple[str, ...]:
    # Apostrophes are dropped so "can't"/"cant" and "i'll"/"ill" are one token each.
    if text.isascii():
        return tuple(text.translate(_ASCII_TOKENS).split())
    return tuple(_TOKEN.findall(text.replace("'", "")))


class Clauses:
    """A surface-normalised text as tokens, whole and per clause. The clauses are cut on first
    use: most long messages hold no keyword and no revocation word, and then nothing asks."""

    __slots__ = ("_clauses", "any_revocation", "norm", "tokens")

    def __init__(self, norm: str, toks: tuple[str, ...]) -> None:
        self.norm = norm
        self.tokens = toks
        self._clauses: tuple[tuple[str, ...], ...] | None = None
        self.any_revocation: bool | None = None  # see _any_revocation

    @classmethod
    def of(cls, norm: str) -> Clauses:
        return cls(norm, tokens(norm))

    @property
    def clauses(self) -> tuple[tuple[str, ...], ...]:
        if self._clauses is None:
            self._clauses = tuple(
                t for t in (tokens(p) for p in _CLAUSE_SPLIT.split(self.norm)) if t
            )
        return self._clauses


def _phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(p for p in (tuple(item.split()) for item in items) if p)


@dataclass(frozen=True, slots=True)
class WholeMessage:
    """A whole-message vocabulary: keyword phrases (at least one must occur) and filler phrases
    (polite words that may surround them). ``covers`` says whether the tokens can be cut into
    keyword and filler phrases only: a small dynamic programme rather than a regex like
    ``(core|filler)+``, whose overlapping alternatives would backtrack exponentially."""

    core: frozenset[tuple[str, ...]]
    fillers: frozenset[tuple[str, ...]]
    longest: int
    # The first words of the keyword phrases: without one of them no cut can use a keyword.
    starts: frozenset[str]

    @classmethod
    def build(cls, core: Iterable[str], fillers: Iterable[str]) -> WholeMessage:
        core_set = _phrases(core)
        filler_set = _phrases(fillers)
        longest = max(len(p) for p in core_set | filler_set)
        return cls(core_set, filler_set, longest, frozenset(p[0] for p in core_set))

    def covers(self, toks: Sequence[str]) -> bool:
        n = len(toks)
        if n == 0 or n > _MAX_KEYWORD_TOKENS or self.starts.isdisjoint(toks):
            return False
        # reach[i]: bit 1 = position i reachable, bit 2 = reachable having used a keyword.
        reach = [0] * (n + 1)
        reach[0] = 1
        for i in range(n):
            if not reach[i]:
                continue
            for length in range(1, min(self.longest, n - i) + 1):
                segment = tuple(toks[i : i + length])
                if segment in self.core:
                    reach[i + length] |= 3
                elif segment in self.fillers:
                    reach[i + length] |= reach[i]
        return bool(reach[n] & 2)


def _comma_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _union(section: str, key: str) -> list[str]:
    out: list[str] = []
    for code in LANGUAGES:
        out += _comma_list(load().languages[code].data[section][key])
    return out


def _union_words(section: str, key: str) -> frozenset[str]:
    out: set[str] = set()
    for code in LANGUAGES:
        out |= words(load().languages[code].data[section][key])
    return frozenset(out)


def _data(code: str) -> dict[str, Any]:
    return dict(load().languages[code].data)


@dataclass(frozen=True, slots=True)
class _Revocation:
    pattern: re.Pattern[str]
    source: str  # the phrase's own regular expression, without the word-boundary checks
    code: str
    # Imperatives ("stop texting me") are also what people quote about someone else ("tell him
    # to stop texting me"), so in English "to" without "you" before them means reported speech.
    imperative: bool


@dataclass(frozen=True, slots=True)
class _Reported:
    negators: frozenset[str]
    skippable: frozenset[str]
    addressees: frozenset[str]


@dataclass(frozen=True, slots=True)
class Vocab:
    polite: list[str]
    opt_out: WholeMessage
    veto: frozenset[str]
    opt_in: WholeMessage
    help: WholeMessage
    confirm: WholeMessage
    decline: WholeMessage
    confirm_anywhere: re.Pattern[str]
    decline_anywhere: re.Pattern[str]
    hedges: frozenset[str]
    hedge_phrases: re.Pattern[str]
    revocations: tuple[_Revocation, ...]
    revocation_words: frozenset[str]
    any_revocation: re.Pattern[str]
    reported: dict[str, _Reported]
    third_party: frozenset[str]


def _anywhere(key: str) -> re.Pattern[str]:
    parts = [_data(code)[key]["anywhere"] for code in LANGUAGES]
    body = "|".join(f"(?:{p})" for p in parts)
    if key == "decline":
        late = "|".join(_data(code)["decline"]["lateness"] for code in LANGUAGES)
        return re.compile(rf"(?<!\S)(?:{body})(?!\S)(?! (?:{late}))")
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)")


def _revocations() -> tuple[_Revocation, ...]:
    out: list[_Revocation] = []
    for code in LANGUAGES:
        optout = _data(code)["optout"]
        macros = optout.get("macros", {})
        for rev in optout["revocations"]:
            pattern = rev["pattern"].format(**macros)
            out.append(
                _Revocation(
                    re.compile(rf"(?<!\S)(?:{pattern})(?!\S)"),
                    pattern,
                    code,
                    bool(rev.get("imperative")),
                )
            )
    return tuple(out)


@cache
def vocab() -> Vocab:
    # Polite words may surround any keyword, one word each ("thank you" is two fillers).
    polite = sorted(_union_words("polite", "words"))

    def whole(section: str) -> WholeMessage:
        return WholeMessage.build(_union(section, "keywords"), _union(section, "fillers") + polite)

    revocations = _revocations()
    return Vocab(
        polite=polite,
        opt_out=whole("optout"),
        veto=_union_words("optout", "veto"),
        opt_in=whole("optin"),
        help=whole("help"),
        confirm=whole("confirm"),
        decline=whole("decline"),
        confirm_anywhere=_anywhere("confirm"),
        decline_anywhere=_anywhere("decline"),
        hedges=_union_words("confirm", "hedges"),
        hedge_phrases=re.compile(
            r"(?<!\S)(?:"
            + "|".join(_data(c)["confirm"]["hedge_phrases"] for c in LANGUAGES)
            + r")(?!\S)"
        ),
        revocations=revocations,
        revocation_words=_union_words("optout", "revocation_words"),
        # The boundary checks once around the alternation, not inside each phrase: the same
        # matches, but mid-word positions fail at once instead of once per phrase (7x faster).
        any_revocation=re.compile(
            r"(?<!\S)(?:" + "|".join(f"(?:{r.source})" for r in revocations) + r")(?!\S)",
            re.MULTILINE,
        ),
        reported={
            code: _Reported(
                negators=words(_data(code)["optout"]["reported"]["negators"]),
                skippable=words(_data(code)["optout"]["reported"]["skippable"]),
                addressees=words(_data(code)["optout"]["reported"]["addressees"]),
            )
            for code in LANGUAGES
        },
        third_party=frozenset().union(
            *(words(_data(c)["optout"]["reported"]["third_party"]) for c in LANGUAGES)
        ),
    )


def _reported(before: Sequence[str], rev: _Revocation, v: Vocab) -> bool:
    """True when the words before a revocation phrase show it is negated ("please don't stop
    texting me") or about someone else ("my dealer won't stop texting me", "tell her to ...")."""
    r = v.reported[rev.code]
    i = len(before) - 1
    saw_to = saw_addressee = False
    while i >= 0 and before[i] in r.skippable:
        saw_to = saw_to or before[i] == "to"
        saw_addressee = saw_addressee or before[i] in r.addressees
        i -= 1
    head = before[i] if i >= 0 else ""
    if head in r.negators or head in v.third_party:
        return True
    return rev.imperative and rev.code == "en" and saw_to and not saw_addressee


def revocation(c: Clauses) -> tuple[str, str] | None:
    """Does the text ask us to stop texting? ``(rule, evidence)`` for a keyword as the whole
    message, a keyword as a sentence of its own (unless the word is also used in running
    text), or a revocation phrase; else None."""
    v = vocab()
    if v.opt_out.covers(c.tokens):
        return "optout.keyword", " ".join(c.tokens)
    # A clause's tokens are some of the message's tokens (clauses are cut at characters that
    # are never inside a token): no keyword word in the message, no keyword clause.
    if not v.opt_out.starts.isdisjoint(c.tokens) and len(c.clauses) > 1:
        keyword_clauses = [cl for cl in c.clauses if v.opt_out.covers(cl)]
        if keyword_clauses:
            prose = (t for cl in c.clauses if not v.opt_out.covers(cl) for t in cl)
            if not any(t in v.veto for t in prose):
                return "optout.keyword", " ".join(keyword_clauses[0])
    if not _any_revocation(c):
        return None
    for clause in c.clauses:
        text = " ".join(clause)
        for rev in v.revocations:
            for m in rev.pattern.finditer(text):
                if not _reported(text[: m.start()].split(), rev, v):
                    return f"optout.revocation.{rev.code}", m.group(0)
    return None


def mentions_revocation(c: Clauses) -> bool:
    """A revocation phrase anywhere, even negated or reported ("no quiero que dejen de
    escribirme"): a message about our texts, left to the rules and a person."""
    return _any_revocation(c)


def _any_revocation(c: Clauses) -> bool:
    """Whether any revocation phrase occurs. Every phrase contains a revocation word and stays
    inside one clause, so only the clauses holding such a word are searched (long messages
    are mostly prose); the answer is kept on the message because both callers ask."""
    if c.any_revocation is None:
        v = vocab()
        c.any_revocation = not v.revocation_words.isdisjoint(c.tokens) and (
            v.any_revocation.search(
                "\n".join(" ".join(cl) for cl in c.clauses if not v.revocation_words.isdisjoint(cl))
            )
            is not None
        )
    return c.any_revocation


def opt_in(c: Clauses) -> bool:
    return vocab().opt_in.covers(c.tokens)


def help_keyword(c: Clauses) -> bool:
    return vocab().help.covers(c.tokens)


# "see you at 6:30 pm" is a confirm: take clock times out before whole-message matching.
_CLOCK = re.compile(
    r"(?<!\S)(?:(?:at|by|around|a las|a la|alas) [0-9]{1,2}(?: [0-9]{2})?(?: (?:am|pm|p|a))?"
    r"|[0-9]{1,2}(?: [0-9]{2})? ?(?:am|pm))(?!\S)"
)
_EMOJI_CONFIRM = frozenset("\U0001f44d\U0001f44c\u2705\u2714\u2611\U0001f197")
_EMOJI_DECLINE = frozenset("\U0001f44e\u274c\u2716\u274e")
_EMOJI_NOISE = re.compile("[\\s\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def reminder_answer(c: Clauses, raw: str) -> str | None:
    """ "confirm", "decline" or None for a reply to an open session reminder."""
    v = vocab()
    if not c.tokens:
        # "👍" or "👍🏽!": the whole reply was emoji, which normalisation strips. Skin tones,
        # variation selectors and punctuation around them do not change the answer.
        emoji = {ch for ch in _EMOJI_NOISE.sub("", raw) if unicodedata.category(ch)[0] == "S"}
        if emoji and emoji <= _EMOJI_CONFIRM:
            return "confirm"
        if emoji and emoji <= _EMOJI_DECLINE:
            return "decline"
        return None
    text = " ".join(c.tokens)
    unclocked = _CLOCK.sub(" ", text).split()
    if len(c.clauses) > 1 and not v.decline_anywhere.search(text):
        # "yes. can someone call me before group": an answer as the first sentence.
        first = _CLOCK.sub(" ", " ".join(c.clauses[0])).split()
        if v.decline.covers(first):
            return "decline"
        if v.confirm.covers(first):
            return "confirm"
    if v.decline.covers(unclocked) or v.decline_anywhere.search(text):
        return "decline"
    if v.confirm.covers(unclocked):
        return "confirm"
    if v.confirm_anywhere.search(text):
        hedged = (
            "?" in raw
            or any(t in v.hedges for t in c.tokens)
            or v.hedge_phrases.search(text) is not None
        )
        if not hedged:
            return "confirm"
    return None
