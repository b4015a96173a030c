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
from functools import reduce
from operator import or_

from notifier.understanding.lexicon import DROP, KEEP, Context, Lexicons, Rule, load
from notifier.understanding.others import BREAKS as _BREAKS
from notifier.understanding.others import cause_of_a_death, reported, someone_elses
from notifier.understanding.timing import clause_past, imminent, past, told_as_history
from notifier.understanding.view import View

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
    also: tuple[str, ...] = ()  # further signals the match carries ("medical")


VETO = "!"


def veto(rule: Rule, evidence: str) -> Hit:
    """A match a rule read and judged not to count (a figure of speech, someone else's news,
    laughter, a negation): the learned backstop must not raise what a rule has seen and set
    aside. Its signal is ``"!" + signal``, which no category or signal list holds; a rule
    that only sets aside (``veto``) sets aside its ``also`` signals too."""
    also = rule.also if rule.veto else ()
    return Hit(rule.name, VETO + rule.signal, rule.lang, evidence, False, False, also)


def _first_content(before: Sequence[str], ctx: Context) -> int:
    """Index of the first word before the match that is not transparent (-1 if none)."""
    i = len(before) - 1
    while i >= 0 and before[i] not in _BREAKS and before[i] in ctx.transparent:
        i -= 1
    return i


def negated(before: Sequence[str], ctx: Context) -> bool:
    i = _first_content(before, ctx)
    return i >= 0 and before[i] in ctx.negators


def third_party(before: Sequence[str], ctx: Context, use: bool = False) -> bool:
    """Someone else is the subject right before the match. For use, "we" counts the client
    in ("we did a line together": the client used too; twelfth round)."""
    i = _first_content(before, ctx)
    if use and i >= 0 and (before[i] in ctx.we or _with_me(before, i, ctx)):
        return False
    # A first-person verb on the way back ("por eso me VOY a matar", "I AM going to") says the
    # client is the subject, whatever noun came before it.
    if any(w in ctx.first_person for w in before[i + 1 :]):
        return False
    if i < 0 or before[i] in _BREAKS or before[i] in ctx.self_words:
        return False
    # "tio, me fume unos porros", "bro i slipped": a word addressing the reader at the start
    # of a sentence is not the subject.
    if before[i] in ctx.vocatives and (
        i == 0 or before[i - 1] in _BREAKS or (i == 1 and before[0] in ctx.possessives)
    ):
        return False
    # After a verb and a preposition (and a possessive) the person is an object, not the
    # subject: "se llevo a mis hijos, ya nada tiene sentido" (seventeenth round). At the start
    # of a clause it is the topic ("a mi vecina la desalojaron"): still someone else.
    k = i - 1 if i > 0 and before[i - 1] in ctx.possessives else i
    if k >= 2 and before[k - 1] in ctx.places and before[k - 2] not in _BREAKS:
        return False
    if before[i] in ctx.third_party:
        return True
    # "my roommate will", "mi hermano quiere": a possessed noun as the subject; after a
    # preposition it is a place ("smoking in my car alone", h14e).
    if i > 1 and before[i - 2] in ctx.places:
        return False
    return i > 0 and before[i - 1] in ctx.possessives


def _with_me(before: Sequence[str], i: int, ctx: Context) -> bool:
    """The subject at ``i`` is joined to the client at the start of a clause: "me and my buddy
    were drinking", "yo y mi primo" (the client used too, as with "we"; thirty-second round).
    Not "stays with me and his daddy still uses": there "me" is an object."""
    det = i > 0 and (before[i - 1] in ctx.possessives or before[i - 1] in ctx.articles)
    k = i - 1 if det else i
    return (
        k >= 2
        and before[k - 1] in ctx.joins
        and before[k - 2] in ctx.self_words
        and before[k - 2] not in ctx.possessives
        and (k == 2 or before[k - 3] in _BREAKS)
    )


def _thing(before: Sequence[str], ctx: Context) -> bool:
    """The subject right before the match is an object ("battery", "phone"). An object after
    a preposition is a place, not the subject ("passed out in the car, wont wake up"),
    unless what the preposition follows is an object too ("the battery in my phone")."""
    i = _first_content(before, ctx)
    if i < 0 or before[i] not in ctx.objects:
        return False
    for back in (1, 2):  # "in car", "in the car" / "in my car"
        j = i - back
        if j >= 0 and before[j] in ctx.places:
            return j > 0 and before[j - 1] in ctx.objects
    return True


def _clause_of_others(before: Sequence[str], ctx: Context) -> bool:
    """The match's clause begins with someone else as its subject and no first-person word
    comes before the match: "my husband came home drunk again", "los vecinos andaban fumando
    piedra". Read for use only (someone else's use is not the client's; thirteenth round):
    for risk, a word between is not enough to set a match aside."""
    k = len(before)
    while k > 0 and before[k - 1] not in _BREAKS:
        k -= 1
    clause = before[k:]
    if not clause or any(
        (w in ctx.self_words and w not in ctx.possessives) or w in ctx.subject or w in ctx.we
        for w in clause
    ):
        return False
    # A word that can address the reader ("guys") is a vocative only before another subject
    # ("bro my cousin used"); before anything else it is the subject ("guys on the crew were
    # smoking meth"; twenty-eighth round). No first-person word is in the clause by now.
    following = clause[1] if len(clause) > 1 else ""
    addressed = following in ctx.possessives or following in ctx.articles or following in ctx.others
    first = 1 if clause[0] in ctx.vocatives and addressed else 0
    head = clause[first]
    if head in ctx.possessives or head in ctx.articles:
        return len(clause) > first + 1 and clause[first + 1] in ctx.third_party
    return head in ctx.others


def _own(before: Sequence[str], ctx: Context) -> bool:
    """The client's own: the sentence starts with the match ("took all my pills", SMS drops
    the "I") or a first-person word is close before it ("i think i od'd")."""
    sentence = before[len(before) - before[::-1].index("|") :] if "|" in before else before
    near = [w for w in sentence[-4:] if w not in _BREAKS]
    return not near or any(w in ctx.self_words for w in near)


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
    # "my phone is about to die", "se murio la bateria": a thing, not a person.
    if _thing(before, ctx):
        return DROP
    if rule.near_miss != KEEP and near_miss(before, ctx, rule.signal == "use"):
        return rule.near_miss
    if rule.history != KEEP and told_as_history(view, start, end, ctx):
        return rule.history
    use = rule.signal == "use"
    if (
        rule.third_party != KEEP
        and (third_party(before, ctx, use) or (use and _clause_of_others(before, ctx)))
        and not _says_i(view, start, end, ctx)
    ):
        return rule.third_party
    return KEEP


def _says_i(view: View, start: int, end: int, ctx: Context) -> bool:
    """The match names the client as its own subject ("better off if I was dead", "estarian
    mejor si yo me muero"): someone named before it is another clause's subject."""
    return not ctx.subject.isdisjoint(view.text[start:end].split())


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
    # The required word sets this text does not meet: all but the OR of its words' masks (in
    # C). A pattern is worth trying when none of its required sets is among them (one AND of
    # two positive ints per entry: cheaper than testing required & met == required).
    unmet = lexicons.requirements ^ reduce(or_, map(by_word.__getitem__, by_word.keys() & words), 0)
    # Only the message's words that anchor something (a set operation, not a loop in Python).
    for word, tokens in view.positions(index.keys() & words).items():
        for key, p_no, required in index[word]:
            if required & unmet:  # some required set has no word in the text
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


def laughing(view: View, ctx: Context, start: int | None = None) -> bool:
    """Laughter in the message ("lol", "jaja", a laughing emoji): hyperbole for the urgent
    rules here, and for the learned backstop (classify). A joke taken back before the match
    ("1 lol jk im sitting in the tub with a razor": the score was the joke) leaves the words
    after it in earnest: laughter counts only if some stands after the last retraction before
    ``start`` (thirty-seventh round)."""
    if view.words.isdisjoint(ctx.laughter):
        return False
    if start is None or view.words.isdisjoint(ctx.retraction):
        return True
    tokens = view.tokens
    before = bisect_left(view.offsets, start)
    taken_back = [i for i in range(before) if tokens[i] in ctx.retraction]
    return not taken_back or not ctx.laughter.isdisjoint(tokens[taken_back[-1] + 1 :])


def _applies(rule: Rule, view: View) -> bool:
    """The rule's message-wide conditions: one of ``with_any`` occurs, none of
    ``without_any`` does."""
    if rule.with_any is not None and not view.holds(rule.with_any):
        return False
    return not view.holds(rule.without_any)


def _what_if(view: View, start: int, end: int, ctx: Context) -> bool:
    """A question about what to do if it ever happens stands in the match's sentence before
    the match ends: "que hago si alguien tiene sobredosis" asks to be ready. A 911 rule's match
    is set aside there (and the model with it); an emergency in another sentence is not."""
    if ctx.hypothetical is None:
        return False
    left = view.text.rfind("|", 0, start) + 1
    sentence = view.sentence(start, end)
    return any(left + m.start() < end for m in ctx.hypothetical.finditer(sentence, view.words))


def run(rule: Rule, wanted: Wanted, view: View, lexicons: Lexicons) -> Iterator[Hit]:
    """The surviving hits of one rule, trying only the given patterns and sentences."""
    matches = _matches(rule, wanted, view)
    if not matches or not _applies(rule, view):
        return
    matches.sort(key=lambda m: m.start())
    ctx = lexicons.languages[rule.lang].context
    unless = _unless_spans(rule, view)
    before_now = past(view, rule.lang)
    if before_now and rule.past == DROP:
        return
    # "i cant breathe lol", "lips are blue from the slushie haha": laughter is not an emergency.
    laughs = laughing(view, ctx, matches[0].start())
    if laughs and (rule.urgent or rule.laughter == DROP):
        yield veto(rule, matches[0].group(0).strip())
        return
    # A rule that hands a past match on does so by the match's own clause (a seizure "last
    # night" goes to a same-day call; "stopped drinking friday, now seizing" stays 911).
    hands_on = rule.past not in (KEEP, DROP, "urgent")
    # Spans this rule read as negated and set aside: a shorter match inside one is the same
    # words, already read as denied ("no necesito que me llamen" holds "que me llamen";
    # twenty-fifth round). Only where a negation drops the match: a risk rule's denial hands
    # it on, and its inner match may still read a wish ("wouldnt care if i died in my sleep").
    denied: list[tuple[int, int]] = []
    drops_denied = rule.negated == DROP
    for m in matches:
        start, end = m.start(), m.end()
        if end <= start:
            continue
        if any(s < end and start < e for s, e in unless) or (
            rule.urgent and _what_if(view, start, end, ctx)
        ):
            yield veto(rule, m.group(0).strip())
            continue
        before = _words_before(view, start)
        inside = any(a <= start < b for a, b in denied)
        outcome = DROP if inside else _resolve(rule, view, start, end, ctx, before)
        if drops_denied and (inside or negated(before, ctx)):
            denied.append((start, end))
        # The match is dated by a "before now" word in its own clause, not by one about
        # something else in the message ("foaming at the mouth on the porch, he got out of
        # prison yesterday" is now): for someone else's emergency, for a rule that hands a
        # past match on, and for 911 first. Read once, and only when the message has one.
        told_past = before_now and clause_past(view, (start, end), ctx, rule.same_day)
        if outcome != DROP and (rule.others_past != KEEP or rule.others_recent != KEEP):
            outcome = _others(rule, outcome, view, (start, end), before, told_past)
        if outcome == KEEP and hands_on and told_past:
            outcome = rule.past
        if outcome == KEEP and laughs and rule.laughter != KEEP:
            outcome = rule.laughter
        # A plan said just before ("im going to drink"): read once, for the rules it concerns.
        plan = outcome == KEEP and (rule.use or rule.signal == "use") and planned(before, ctx)
        if plan and rule.signal == "use":
            outcome = DROP
        if outcome == DROP or rule.veto:
            yield veto(rule, m.group(0).strip())
            continue
        evidence = view.text[start:end].strip()
        if outcome == KEEP:
            urgent = rule.urgent and (not told_past or rule.past == "urgent")
            urgent = urgent or (rule.imminent and not told_past and imminent(view, ctx))
            # An urgent rule's further signals describe the emergency ("medical"): told as
            # past, the match keeps its tier, not them.
            also = rule.also if urgent or not rule.urgent else ()
            # Read only for a rule that can carry the client's use (most cannot).
            own = rule.use and not (
                plan
                or (
                    (third_party(before, ctx, use=True) or someone_elses(view, ctx))
                    and not _names_me(evidence, ctx)
                )
            )
            yield Hit(rule.name, rule.signal, rule.lang, evidence, urgent, own, also)
        else:
            target = lexicons.by_name[outcome]
            yield Hit(outcome, target.signal, rule.lang, evidence, False, False, target.also)


def _names_me(evidence: str, ctx: Context) -> bool:
    """The match itself has the client in it ("my girl had to narcan me", "mi hermana me dio
    narcan"): someone else named in the message is the helper, not the one who used
    (thirty-eighth round); also what makes a match the client's own in :func:`_others`."""
    return any(w in ctx.self_words and w not in ctx.possessives for w in evidence.split())


def planned(before: Sequence[str], ctx: Context) -> bool:
    """A plan said just before the match ("im going to drink", "me voy a tomar"): use that has
    not happened yet is no use (POLICY.md: use happened or is happening)."""
    return any(tuple(before[-len(p) :]) == p for p in ctx.plan)


def _others(
    rule: Rule,
    outcome: str,
    view: View,
    span: tuple[int, int],
    before: Sequence[str],
    before_now: bool,
) -> str:
    """What a match about someone else becomes when it is told as history or a report (news,
    media, a group topic: ``others_past``) or with a "before now" time (``others_recent``):
    "saw on the news 2 people od'd" is nothing, "my friend od'd last night" a friend at risk."""
    ctx = load().languages[rule.lang].context
    someone_else = third_party(before, ctx)
    if not someone_else and cause_of_a_death(view, span, before, ctx):
        return rule.others_past if rule.others_past != KEEP else outcome
    if not someone_else and _own(before, ctx):
        return outcome
    # A first-person word inside the match ("thinking about using it on myself") makes it the
    # client's own, whatever else the sentence says ("ill be at group but ...", h14f).
    if not someone_else and _names_me(view.text[span[0] : span[1]], ctx):
        return outcome
    sentence = view.sentence(*span)
    told = (
        any(
            rx is not None and rx.search(sentence, view.words) is not None
            for rx in (ctx.history, ctx.distant)
        )
        or reported(view, span, sentence, ctx)
        # A death told anywhere ("funeral is friday", "lo enterramos"): someone else's overdose
        # in it, in any sentence, is how they died ("my cousin passed. he od'd").
        or (someone_else and view.holds(ctx.death_told))
    )
    if told and rule.others_past != KEEP:
        return rule.others_past
    # "a guy i used with od'd", "hubo 3 sobredosis": nobody's, unless someone else is named.
    if someone_else and before_now and rule.others_recent != KEEP:
        return rule.others_recent
    return outcome


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
