"""When a match happened: the "before now" dating of a message and of a match's clause, the
history markers, and the moments minutes away that make preparations urgent. Split from
rules.py (which applies them) to keep each module small."""

from __future__ import annotations

from notifier.understanding.lexicon import Context, load
from notifier.understanding.view import View


def past(view: View, code: str) -> bool:
    """A "before now" word in the text (searched once per message and language, not per
    rule: the answer is kept on the view)."""
    known = view.past.get(code)
    if known is None:
        ctx = load().languages[code].context
        known = view.past[code] = ctx.past_time is not None and any(
            not ongoing(view.text, m.start(), ctx)
            for m in ctx.past_time.finditer(view.text, view.words)
        )
    return known


def ongoing(text: str, start: int, ctx: Context) -> bool:
    """ "since this morning", "desde anoche": a time that began before now and lasts."""
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1] in ctx.ongoing


def _clause(view: View, start: int, end: int) -> str:
    """The clause around a span: between the nearest separators ("|" or ",") on each side."""
    text = view.text
    left = max(text.rfind("|", 0, start), text.rfind(",", 0, start))
    ends = [i for i in (text.find("|", end), text.find(",", end)) if i >= 0]
    return text[left + 1 : min(ends) if ends else len(text)]


def clause_past(view: View, span: tuple[int, int], ctx: Context, same_day: bool) -> bool:
    """A "before now" time in the match's own clause, and no "now" there ("quit friday and
    now im seeing bugs" is now; "had a seizure last night" is not). With ``same_day`` a time
    earlier today ("this morning") does not count: the rule's danger lasts the day."""
    clause = _clause(view, *span)
    if ctx.past_time is None or not any(
        not ongoing(clause, m.start(), ctx)
        and not (same_day and m.group(0).strip() in ctx.same_day)
        for m in ctx.past_time.finditer(clause, view.words)
    ):
        return False
    return ctx.present.isdisjoint(clause.split())


def imminent(view: View, ctx: Context) -> bool:
    """A time now or hours away in the message ("tonight", "cuando se duerman")."""
    return view.holds(ctx.imminent)


def told_as_history(view: View, start: int, end: int, ctx: Context) -> bool:
    """A history marker in the match's sentence ("years ago", "when i was 19"), with no word
    of now between it and the match: "i tried to kill myself years ago and TONIGHT i took all
    my pills" is now, "years ago i tried" is history (thirteenth round)."""
    history = ctx.history
    if history is None:
        return False
    left = view.text.rfind("|", 0, start) + 1
    sentence = view.sentence(start, end)
    for m in history.finditer(sentence, view.words):
        a, b = left + m.start(), left + m.end()
        between = (
            view.text[b:start] if b <= start else view.text[end:a] if a >= end else ""
        ).split()
        if b <= start and between and between[0] in ctx.anniversary:
            between = between[1:]  # "years ago today i od'd": the day is the anniversary
        if ctx.now.isdisjoint(between):
            return True
    return False
