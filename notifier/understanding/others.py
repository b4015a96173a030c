"""Whose emergency a match tells: someone else named in the message, a death told before
the cause, a report (news, a show, hearsay). Split from rules.py, which applies them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from notifier.understanding.lexicon import Context
from notifier.understanding.view import View

BREAKS = frozenset(("|", ","))


def someone_elses(view: View, ctx: Context) -> bool:
    """The emergency is someone else's: a person other than the client is named ("he", "my
    cousin", "mi amigo") and the client never says "I" (twenty-eighth round: "my cousin on the
    bathroom floor, lips blue" is no use of the client's). Only the client's own overdose is
    their use."""
    return ctx.subject.isdisjoint(view.words) and names_someone(view, ctx)


def names_someone(view: View, ctx: Context) -> bool:
    """A person other than the client is named somewhere in the message."""
    if not ctx.pronouns.isdisjoint(view.words):
        return True
    return any(a in ctx.possessives and b in ctx.third_party for a, b in pairwise(view.tokens))


def cause_of_a_death(
    view: View, span: tuple[int, int], before: Sequence[str], ctx: Context
) -> bool:
    """One word alone in its sentence after a death told of someone named ("my brother died
    last night. overdose."; twenty-ninth round): its cause, not the client's own overdose."""
    alone = (not before or before[-1] in BREAKS) and " " not in view.text[span[0] : span[1]].strip()
    return alone and view.holds(ctx.death_told) and names_someone(view, ctx)


def reported(view: View, span: tuple[int, int], sentence: str, ctx: Context) -> bool:
    """A report (news, a show, hearsay, a group topic) told before the match, or after it in
    a clause of its own ("2 people od'd downtown, saw it on the news"). Run on in the same
    clause after the match, "they said" is someone speaking now: "his lips are blue and i
    called 911 and they said stay on the line" (the eleventh round); the news or a show is a
    report wherever it stands ("hubo una sobredosis en el parque salio en las noticias",
    ``media``; the thirteenth round)."""
    if ctx.reported is None:
        return False
    left = view.text.rfind("|", 0, span[0]) + 1
    for m in ctx.reported.finditer(sentence, view.words):
        at = left + m.start()
        if at < span[1] or "," in view.text[span[1] : at] or m.group(0).strip() in ctx.media:
            return True
    return False
