"""Running the named rules of the lexicons over a :class:`View`.

A pattern match is only the start: the words around it decide what it means.

* negation scope - a negator right before the match, with only "transparent" words between
  ("I'm not going to kill myself", "no quiero morir"), makes a denial;
* subject - a third person right before the verb ("my boss is going to kill me", "mi jefe me
  va a matar") makes it about someone else; "I" stops the search;
* tense / aspect - a history marker in the same sentence ("years ago", "used to", "hace años")
  makes it the past, a near-miss word just before ("almost", "wanted", "casi") makes it a
  thing that did not happen;
* exceptions - a figurative or benign phrase overlapping the match ("dying to see", "took all
  my meds today") cancels it.

Each rule's TOML entry says what each of these does to it: keep the match, drop it, or hand it
to another named rule (a negated crisis becomes ``concern.denial_names_risk``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from notifier.understanding.lexicon import DROP, KEEP, Context, Lexicons, Rule, load
from notifier.understanding.view import View

_BREAKS = frozenset(("|", ","))
# How far back a near-miss word still counts ("almost went and used").
_NEAR_MISS_WINDOW = 4
# Worry reaches further: "worried my roommate from work will OD".
_WORRY_WINDOW = 8


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str  # full rule name, e.g. "concern.denial_names_risk.en"
    signal: str
    lang: str
    evidence: str
    urgent: bool
    use: bool  # the client's own substance use (an overdose)


def _first_content(before: Sequence[str], ctx: Context) -> int:
    """Index of the first word before the match that is not transparent (-1 if none)."""
    i = len(before) - 1
    while i >= 0 and before[i] not in _BREAKS and before[i] in ctx.transparent:
        i -= 1
    return i


def negated(before: Sequence[str], ctx: Context) -> bool:
    i = _first_content(before, ctx)
    return i >= 0 and before[i] in ctx.negators


def third_party(before: Sequence[str], ctx: Context) -> bool:
    i = _first_content(before, ctx)
    # A first-person verb on the way back ("por eso me VOY a matar", "I AM going to") says the
    # client is the subject, whatever noun came before it.
    if any(w in ctx.first_person for w in before[i + 1 :]):
        return False
    if i < 0 or before[i] in _BREAKS or before[i] in ctx.self_words:
        return False
    if before[i] in ctx.third_party:
        return True
    # "my roommate will", "mi hermano quiere": a possessed noun as the subject.
    return i > 0 and before[i - 1] in ctx.possessives


def near_miss(before: Sequence[str], ctx: Context, use: bool) -> bool:
    """ "almost", "scared" just before; for use also wanting it ("really wanting to use")."""
    for back, word in enumerate(reversed(before[-_WORRY_WINDOW:])):
        if word == "|":
            return False
        if word in ctx.near_miss or (use and back < _NEAR_MISS_WINDOW and word in ctx.desire):
            return True
    return False


def _resolve(
    rule: Rule, view: View, start: int, end: int, ctx: Context, before: Sequence[str]
) -> str:
    """KEEP, DROP or the name of the rule this match is handed to (``before``: the words of
    the text before the match)."""
    if negated(before, ctx):
        return rule.negated
    if rule.near_miss != KEEP and near_miss(before, ctx, rule.signal == "use"):
        return rule.near_miss
    history = ctx.history
    if (
        rule.history != KEEP
        and history is not None
        and history.search(view.sentence(start, end), view.words)
    ):
        return rule.history
    if rule.third_party != KEEP and third_party(before, ctx):
        return rule.third_party
    return KEEP


def _words_before(view: View, start: int) -> Sequence[str]:
    """``view.text[:start].split()``. A match starts at a token (every rule pattern begins
    with a lookbehind for the space after one), and the text up to token k is tokens 0..k-1
    each followed by one space: a slice of the tokens, without splitting the text again."""
    offsets = view.offsets
    k = bisect_left(offsets, start)
    if k < len(offsets) and offsets[k] == start:
        return view.tokens[:k]
    return view.text[:start].split()


def _unless_spans(rule: Rule, view: View) -> list[tuple[int, int]]:
    if rule.unless is None:
        return []
    return [(m.start(), m.end()) for m in rule.unless.finditer(view.text, view.words)]


# Pattern numbers of one rule worth trying, each with the token numbers of its anchor words
# in the text, or None (a pattern without anchor: the whole text).
Wanted = dict[int, set[int] | None]


def candidates(view: View, lexicons: Lexicons) -> dict[tuple[str, int], Wanted]:
    """(language, rule number) -> the patterns worth trying on this text, via the anchor
    index: a pattern is only run when one of its anchor words occurs, and only around it,
    and only when every one of its mandatory items has a word in the text."""
    out: dict[tuple[str, int], Wanted] = {}
    for code, r_no, p_no in lexicons.unanchored:
        out.setdefault((code, r_no), {})[p_no] = None
    index = lexicons.index
    words = view.words
    by_word = lexicons.requirement_words
    # The required word sets this text meets: the union of its words' sets (in C).
    met = frozenset().union(*map(by_word.__getitem__, by_word.keys() & words))
    # Only the message's words that anchor something (a set operation, not a loop in Python).
    for word, tokens in view.positions(index.keys() & words).items():
        for key, p_no, required in index[word]:
            if not required <= met:
                continue
            wanted = out.setdefault(key, {})
            chosen = wanted.get(p_no)
            if p_no not in wanted:
                wanted[p_no] = set(tokens)
            elif chosen is not None:
                chosen.update(tokens)
    return out


# Tokens past a match's end a lookahead may read ("used !to", "$"): the margin of a window.
_LOOKAHEAD = 4


def _matches(rule: Rule, wanted: Wanted, view: View) -> list[re.Match[str]]:
    """Exactly what ``finditer`` over the whole text finds, on less text. Every match holds
    an anchor word and covers at most ``span`` tokens, so: patterns that start with an anchor
    word are tried at those words only (left to right, skipping what a match covered); the
    others on the windows of ``span`` tokens around each anchor word, merged."""
    text = view.text
    offsets = view.offsets
    last = len(offsets) - 1
    out: list[re.Match[str]] = []
    for p_no, places in sorted(wanted.items()):  # pattern order breaks ties (evidence)
        pattern = rule.patterns[p_no]
        if places is None:
            out.extend(pattern.finditer(text))
            continue
        ordered = sorted(places)
        if rule.starts[p_no]:
            covered = 0
            for tok in ordered:
                pos = offsets[tok]
                if pos < covered:
                    continue
                m = pattern.match(text, pos)
                if m is not None and m.end() > m.start():
                    out.append(m)
                    covered = m.end()
            continue
        span = rule.spans[p_no]
        lo, hi = -1, -1
        for tok in ordered:
            a, b = max(0, tok - span), tok + span + _LOOKAHEAD
            if lo >= 0 and a <= hi:
                hi = max(hi, b)
                continue
            if lo >= 0:
                out.extend(pattern.finditer(text, offsets[lo], _end(offsets, hi, last, text)))
            lo, hi = a, b
        if lo >= 0:
            out.extend(pattern.finditer(text, offsets[lo], _end(offsets, hi, last, text)))
    return out


def _end(offsets: tuple[int, ...], tok: int, last: int, text: str) -> int:
    return len(text) if tok >= last else offsets[tok + 1]


def past(view: View, code: str) -> bool:
    """A "before now" word in the text (searched once per message and language, not per
    rule: the answer is kept on the view)."""
    known = view.past.get(code)
    if known is None:
        past_time = load().languages[code].context.past_time
        known = view.past[code] = (
            past_time is not None and past_time.search(view.text, view.words) is not None
        )
    return known


def run(rule: Rule, wanted: Wanted, view: View, lexicons: Lexicons) -> Iterator[Hit]:
    """The surviving hits of one rule, trying only the given patterns and sentences."""
    text = view.text
    matches = _matches(rule, wanted, view)
    if not matches or (
        rule.with_any is not None and rule.with_any.search(text, view.words) is None
    ):
        return
    matches.sort(key=lambda m: m.start())
    lang = lexicons.languages[rule.lang]
    ctx = lang.context
    unless = _unless_spans(rule, view)
    before_now = past(view, rule.lang)
    if before_now and rule.past == DROP:
        return
    # "i cant breathe lol", "lips are blue from the slushie haha": laughter is not an emergency.
    if rule.urgent and not view.words.isdisjoint(ctx.laughter):
        return
    urgent = rule.urgent and (not before_now or rule.past == "urgent")
    for m in matches:
        start, end = m.start(), m.end()
        if end <= start:
            continue
        if any(s < end and start < e for s, e in unless):
            continue
        before = _words_before(view, start)
        outcome = _resolve(rule, view, start, end, ctx, before)
        if outcome == DROP:
            continue
        evidence = text[start:end].strip()
        if outcome == KEEP:
            own = not third_party(before, ctx)
            yield Hit(rule.name, rule.signal, rule.lang, evidence, urgent, rule.use and own)
        else:
            yield Hit(outcome, outcome.split(".", 1)[0], rule.lang, evidence, False, False)


def with_intent(hits: list[Hit], view: View, lexicons: Lexicons) -> list[Hit]:
    """Policy: risk that is ambiguous between crisis and concern is crisis. A concern match
    (passive wish, hopelessness, burden, ambiguous risk) in a message that also states intent
    or imminence ("tonight", "im going to do it", "esta noche") becomes
    ``crisis.concern_with_intent``; denials, history and someone else's risk stay concern."""
    if any(h.signal == "crisis" for h in hits):
        return hits
    for h in hits:
        if h.signal != "concern":
            continue
        ctx = lexicons.languages[h.lang].context
        base = h.rule.rsplit(".", 1)[0]
        if base not in ctx.escalates or ctx.intent is None:
            continue
        m = ctx.intent.search(view.text, view.words)
        if m is not None:
            evidence = f"{h.evidence} + {m.group(0)}"
            return [*hits, Hit(f"crisis.concern_with_intent.{h.lang}", "crisis", h.lang,
                               evidence, False, False)]  # fmt: skip
    return hits
