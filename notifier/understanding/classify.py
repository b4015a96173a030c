"""The priority order, and nothing else: crisis > concern > opt_out > opt_in > help > prompt
answers (confirm / decline / checkin_answer) > free_text. Signals are collected independently
of the category (a check-in score of 8 can carry ``use`` and ``callback``).

Crisis and concern come first and apply to every client, opted out or not: a missed crisis
costs far more than a false alarm. ``revokes`` still says whether the same text asks us to
stop texting, so the caller can do both. An opted-out client's other texts are free text:
nothing but an explicit keyword resumes texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from notifier.core.enums import LANGUAGES
from notifier.understanding import model, prompts
from notifier.understanding.lexicon import load
from notifier.understanding.normalise import detect_language, full, surface
from notifier.understanding.result import Category, Classification, Signal
from notifier.understanding.rules import VETO, Hit, candidates, laughing, run, with_intent
from notifier.understanding.score import MAX_CHARS, score_of
from notifier.understanding.terms import DEFAULT_CRISIS_TERMS, custom_terms, fallback_crisis
from notifier.understanding.timing import past
from notifier.understanding.view import View


def _prompt_kinds(open_prompts: Sequence[str]) -> list[str]:
    if isinstance(open_prompts, str):
        open_prompts = (open_prompts,)
    kinds: list[str] = []
    for prompt in open_prompts:
        kind = str(prompt).strip().lower()
        if kind in ("reminder", "checkin") and kind not in kinds:
            kinds.append(kind)
    return kinds


def _hits(view: View, lang: str, crisis_terms: Sequence[str], recent_risk: bool) -> list[Hit]:
    lexicons = load()
    hits: list[Hit] = []
    custom = custom_terms(crisis_terms)
    if custom is not None:
        m = custom.search(view.text)
        if m:
            hits.append(Hit("crisis.custom_term", "crisis", lang, m.group(0).strip(), False, False))
    wanted = candidates(view, lexicons)
    # The message's language first, so its rule decides when both languages match; then rule
    # order. Only the rules some pattern woke up are visited.
    for code, r_no in sorted(wanted, key=lambda k: (k[0] != lang, LANGUAGES.index(k[0]), k[1])):
        patterns = wanted[(code, r_no)]
        rule = lexicons.languages[code].rules[r_no]
        if patterns and (recent_risk or not rule.after_risk):
            hits.extend(run(rule, patterns, view, lexicons))
    return with_intent(hits, view, lexicons)


def _carries(h: Hit, signal: str) -> bool:
    return h.signal == signal or signal in h.also or (signal == Signal.USE and h.use)


def _carried(hits: list[Hit]) -> set[str]:
    """Every signal some hit carries (as :func:`_carries`), gathered once: the backstop asks
    for each of its signals."""
    out: set[str] = set()
    for h in hits:
        out.add(h.signal)
        out.update(h.also)
        if h.use:
            out.add(Signal.USE.value)
    return out


def _met(h: Hit, others: list[Hit]) -> bool:
    """A hit whose rule needs another signal ("using alone" needs the use itself) counts
    only beside another hit that carries it."""
    if h.signal.startswith(VETO):
        return True
    rule = load().by_name.get(h.rule)
    need = rule.needs if rule is not None else None
    return need is None or any(o is not h and _carries(o, need) for o in others)


def _with_needs(hits: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """(kept, waiting): the hits whose needs are met, and the others."""
    kept = [h for h in hits if _met(h, hits)]
    return kept, [h for h in hits if not _met(h, hits)]


# The signals other than the two risk tiers, in the order a reply lists them.
_OTHER_SIGNALS = tuple(s.value for s in Signal if s not in (Signal.CRISIS, Signal.CONCERN))


def _signals(risk: str | None, hits: list[Hit]) -> tuple[str, ...]:
    """The tier (if any), then every other signal some hit carries: its own, its ``also``
    signals, and ``use`` for an overdose that is the client's own."""
    found: set[str] = set()
    # "medical" carried by an urgent rule (an overdose read as urgent) is dropped when a rule
    # set it aside (pills swallowed with no body sign): crisis and urgent stay.
    dropped = _set_aside(hits) & _CARRIED_SET_ASIDE
    for h in hits:
        found.add(h.signal)
        found.update(set(h.also) - dropped)
        if h.use:
            found.add(Signal.USE.value)
    out = [risk] if risk is not None else []
    out.extend(s for s in _OTHER_SIGNALS if s in found)
    return tuple(out)


# Why the model may not read a message (see :func:`_model_barred`).
_KEYWORD, _ANSWER = "keyword", "answer"


def _model_barred(
    clauses: prompts.Clauses,
    raw: str,
    kinds: list[str],
    opted_out: bool,
    revoking: tuple[str, str] | None,
) -> str | None:
    """The model never touches opt-out, opt-in or help (``_KEYWORD``: only a named rule may
    outrank those) nor a confirm/decline answer to an open reminder (``_ANSWER``: the model
    may still read risk in its reason, see :func:`classify`); None: the model reads it (a
    score still leaves room for the model)."""
    if (
        revoking is not None
        or prompts.help_keyword(clauses)
        or prompts.mentions_revocation(clauses)
    ):
        return _KEYWORD
    if opted_out:
        return _KEYWORD if prompts.opt_in(clauses) else None
    if "reminder" in kinds and prompts.reminder_answer(clauses, raw) is not None:
        return _ANSWER
    return None


def set_aside(body: str, recent_risk: bool = False) -> frozenset[str]:
    """The signals a rule read in ``body`` and set aside (see :func:`rules.veto`): the model
    may not add these. For training the model the way classify uses it."""
    raw = body[:MAX_CHARS]
    surf = surface(raw)
    lang = detect_language(surf)
    view = View.of(full(raw, lang, surf))
    return frozenset(_set_aside(_hits(view, lang, DEFAULT_CRISIS_TERMS, recent_risk)))


# Signals a veto also removes when another rule only carries them as ``also``.
_CARRIED_SET_ASIDE = frozenset((Signal.MEDICAL.value,))
# The everyday flags keep their model whatever a rule set aside: their rules' exceptions are
# about one phrase ("ill call you later"), not about the whole message.
_NEVER_SET_ASIDE = frozenset((Signal.USE.value, Signal.CALLBACK.value))
_SEPARATORS = frozenset(("|", ","))
_PLEA = ("crisis.help_after_risk.", "crisis.call_now_after_risk.")
# A stated intent to hurt someone, with no weapon in hand now (those are the weapon rules): a
# clinician now, not 911, so the urgent model does not make it urgent (h14f: "tomorrow i wait
# for him outside and stab him").
_INTENT = "crisis.harm_to_others."
# Brought back with naloxone, told from the ambulance or the hospital (thirty-third round): the
# paramedics are there, so the urgent model does not make it 911 first. Told from the floor
# where it happened ("just came to, my friend hit me with narcan"), it may (naloxone wears off).
_REVIVED = "crisis.revived_with_naloxone."


def _set_aside(hits: list[Hit]) -> set[str]:
    out: set[str] = set()
    whole: set[str] = set()
    by_name = load().by_name
    for h in hits:
        if h.signal.startswith(VETO):
            signal = h.signal[len(VETO) :]
            out.add(signal)
            out.update(h.also)
            # A rule whose only work is setting a signal aside reads the whole message ("i need
            # help finding a job" is help with a task, not a plea; forty-first round): it sets
            # aside even the everyday flags.
            rule = by_name.get(h.rule)
            if rule is not None and rule.veto:
                whole.add(signal)
    return (out - _NEVER_SET_ASIDE) | whole


def _models() -> model.Models | None:
    try:
        return model.load()
    except Exception:  # a broken model file must never cost the rules: they still run
        return None


def _not_risk(view: View) -> bool:
    """Everyday phrases the lexicons say the model must not read as risk ("my family won't
    leave me alone": someone else's pestering, not isolation)."""
    lexicons = load()
    return any(view.holds(lexicons.languages[c].not_risk) for c in LANGUAGES)


class _Reading:
    """The models' reading of one message, computed at most once: the backstop and the
    urgent check both ask for it, and most messages need neither."""

    __slots__ = ("_scores", "models", "text")

    def __init__(self, text: str, models: model.Models) -> None:
        self.text = text
        self.models = models
        self._scores: model.Scores | None = None

    @property
    def scores(self) -> model.Scores:
        if self._scores is None:
            self._scores = self.models.read(self.text)
        return self._scores

    def p(self, task: str) -> float:
        return self.scores.p[task]

    def fires(self, task: str) -> bool:
        return self.p(task) >= self.models.tasks[task].threshold

    def evidence(self, task: str) -> str:
        return self.scores.evidence(task)

    def at_crisis_bar(self) -> bool:
        """The risk model clears its higher bar, the one a crisis needs."""
        return self.p("risk") >= self.models.tasks["risk"].strong

    def reads_crisis(self) -> bool:
        """Crisis rather than concern: the risk at the crisis bar, and the crisis model does
        not lean to concern (policy "crisis when unsure")."""
        return self.at_crisis_bar() and self.fires("crisis")


# Kinds with a concern pathway of their own (docs/kinds.md): withdrawal is a same-day medical
# call, abuse at home a discreet one, using alone or after a break an overdose-risk call. The
# model does not turn those into the 988 crisis text; only an open concern rule's reading.
OWN_PATHWAY = frozenset(s.value for s in Signal if s not in (Signal.CRISIS, Signal.CONCERN,
                                                                Signal.CALLBACK))  # fmt: skip


# The concern rules that read the client's own state and leave open how high the risk is
# (hopelessness, being a burden, "not ok", a line the rules call ambiguous). The others read
# crisis words and lowered them on purpose (a denial, a past attempt, someone else's crisis, an
# anniversary) or are a kind's own pathway: a bag of words would only undo that reading.
OPEN_CONCERN = (
    "concern.hopelessness.",
    "concern.burden.",
    "concern.burden_without_me.",
    "concern.ambiguous.",
    "concern.not_ok_asks.",
)


def _crisis_over_concern(
    view: View, lang: str, hits: list[Hit], set_aside: set[str], reading: _Reading
) -> list[Hit]:
    """Policy "crisis when unsure" where a rule read only concern: an open concern rule
    (OPEN_CONCERN) says the risk is there but not how high, and the models answer that as they
    do for a message no rule read: crisis when the risk model clears its crisis bar and the
    crisis model does not lean to concern. Raise only: the concern hit stays beside it, and its
    rule is named in the evidence. Measured on dev-check (model trained without it): crisis
    recall 0.932 -> 0.947, everyday crisis 2.65% -> 2.72% (the ninth round,
    evaluation/train.py CRISIS_LEAN)."""
    concern = [h for h in hits if h.signal == Signal.CONCERN]
    if (
        not concern
        or not all(h.rule.startswith(OPEN_CONCERN) for h in concern)
        or any(h.signal == Signal.CRISIS for h in hits)
        or Signal.CRISIS.value in set_aside
        or not OWN_PATHWAY.isdisjoint(_carried(hits))
        or not reading.reads_crisis()
        or _laughs(view, lang)
        or _not_risk(view)
    ):
        return []
    # Not urgent here: classify asks the urgent model next, which checks for a past marker.
    evidence = f"{reading.evidence('risk')} (over {concern[0].rule})"
    return [Hit(f"crisis.model.{lang}", Signal.CRISIS.value, lang, evidence, False, False)]


def _backstop(view: View, lang: str, hits: list[Hit], reading: _Reading) -> list[Hit]:
    """Model hits added where no rule spoke (see :mod:`notifier.understanding.model`): they
    can only raise nothing-to-concern, nothing-to-crisis, and add a missing signal."""
    # The view's distinct words, separators aside (``view.text.split()`` is ``view.tokens``):
    # one word repeated ("x x x ...", "lol lol lol") is not a message the model can read.
    if len(set(view.tokens).difference(_SEPARATORS)) < model.MIN_WORDS:
        return hits
    extra: list[Hit] = []
    # A risk rule's match set aside (negated, someone else's, a figure of speech) is a rule
    # having spoken too: the model fills gaps, it does not overrule a reading.
    set_aside = _set_aside(hits)
    spoke = any(
        h.signal in (Signal.CRISIS, Signal.CONCERN) for h in hits
    ) or not set_aside.isdisjoint((Signal.CRISIS.value, Signal.CONCERN.value))
    # The model before the phrase check: both are pure, the model is already paid for.
    if spoke:
        extra += _crisis_over_concern(view, lang, hits, set_aside, reading)
    elif reading.fires("risk") and not _not_risk(view) and not _not_the_client(hits):
        # Unsure between crisis and concern -> crisis, unless it reads like concern or laughs
        # (hyperbole: "me va a matar, le choque la troca jaja"; a person still reads it).
        crisis = reading.reads_crisis() and not _laughs(view, lang)
        risk = Signal.CRISIS if crisis else Signal.CONCERN
        urgent = crisis and reading.fires("urgent")
        extra.append(Hit(f"{risk.value}.model.{lang}", risk.value, lang,
                         reading.evidence("risk"), urgent, False))  # fmt: skip
    carried = _carried(hits)
    for signal in model.SIGNAL_TASKS:
        if signal in set_aside or signal in carried:
            continue
        if reading.fires(signal):
            extra.append(Hit(f"{signal}.model.{lang}", signal, lang,
                             reading.evidence(signal), False, False))  # fmt: skip
    return hits + extra


def _plea_after_risk(hits: list[Hit]) -> list[Hit]:
    """Within 24 hours of a crisis or concern reply, distress read again (any concern) with a
    call asked for is the plea of the open episode: the crisis text again, as HELP would be
    (docs/kinds.md; thirty-second round: "no im not ok. please call"). A call asked for alone
    (a ride, the schedule) stays a call-back."""
    if any(h.signal == Signal.CRISIS for h in hits):
        return []
    # A rule's concern: the model's bag of words does not know what the call is for ("can the
    # counselor call me today, to go over the safety plan").
    concern = next((h for h in hits if h.signal == Signal.CONCERN and ".model." not in h.rule),
                   None)  # fmt: skip
    if concern is None or not any(_carries(h, Signal.CALLBACK) for h in hits):
        return []
    return [Hit(f"crisis.plea_after_risk.{concern.lang}", Signal.CRISIS.value, concern.lang,
                concern.evidence, False, False, (Signal.CALLBACK.value,))]  # fmt: skip


def _in_care(view: View) -> bool:
    """Paramedics or a hospital already have the client (the lexicons' ``in_care`` words)."""
    lexicons = load()
    return any(not view.words.isdisjoint(lexicons.languages[c].context.in_care) for c in LANGUAGES)


def _not_the_client(hits: list[Hit]) -> bool:
    """A rule read that the phone is not the client's ("this is not tonys number"): a
    stranger's annoyance is not a client's risk, so the model adds none (the rules still read
    a risk stated in words; nineteenth round)."""
    return any(h.signal == Signal.WRONG_NUMBER for h in hits)


def _laughs(view: View, lang: str) -> bool:
    """What an urgent rule drops (rules.run), the models drop too ("can barely breathe outside
    lol"; twelfth round)."""
    return laughing(view, load().languages[lang].context)


def _urgent_by_model(view: View, lang: str, reading: _Reading) -> str:
    """The urgent model's evidence when it says a crisis no urgent rule flagged is life in
    danger now (911 first), else "". Raise-only like the rest of the backstop; never when the
    message says it was before now ("last night"), tells history ("years ago", "cuando
    andaba en las drogas": a past attempt is no 911 now; thirteenth round) or laughs."""
    ctx = load().languages[lang].context
    if past(view, lang) or laughing(view, ctx):
        return ""
    if view.holds(ctx.history):
        return ""
    return reading.evidence("urgent") or "model" if reading.fires("urgent") else ""


def _classify(
    body: str,
    opted_out: bool,
    open_prompts: Sequence[str],
    crisis_terms: Sequence[str],
    models: model.Models | None,
    recent_risk: bool = False,
) -> Classification:
    raw = body[:MAX_CHARS] if isinstance(body, str) else ""
    surf = surface(raw)
    clauses = prompts.Clauses.of(surf)
    lang = detect_language(surf, clauses.tokens)  # the same words: split once
    view = View.of(full(raw, lang, surf))
    hits, waiting = _with_needs(_hits(view, lang, crisis_terms, recent_risk))
    kinds = [] if opted_out else _prompt_kinds(open_prompts)
    score = score_of(surf) if "checkin" in kinds else None
    revoking = prompts.revocation(clauses)
    reading = _Reading(view.text, models) if models is not None else None
    barred = _model_barred(clauses, raw, kinds, opted_out, revoking) if reading else None
    if reading is not None and barred is None:
        hits = _backstop(view, lang, hits, reading)
        # The model may have found the use a waiting hit needs.
        hits += [h for h in waiting if _met(h, hits)]
    elif reading is not None and barred == _ANSWER and reading.at_crisis_bar():
        # A reminder answer's reason clause may carry the danger ("can't come, dad won't wake
        # up"): the risk reading runs on the whole text and outranks the answer (h14g), at the
        # crisis bar (a bare "no puedo asistir" read 0.43), and only the risk tiers: the answer
        # itself still takes no signal from the model.
        risk = (Signal.CRISIS.value, Signal.CONCERN.value)
        extra = _backstop(view, lang, hits, reading)[len(hits) :]
        hits += [h for h in extra if h.signal in risk]

    if recent_risk:
        hits += _plea_after_risk(hits)
    crisis = [h for h in hits if h.signal == Signal.CRISIS]
    concern = [h for h in hits if h.signal == Signal.CONCERN]
    if crisis or concern:
        tier = (Category.CRISIS if crisis else Category.CONCERN).value
        chosen = crisis if crisis else concern
        urgent = [h for h in chosen if h.urgent]
        hit = urgent[0] if urgent else chosen[0]
        evidence = hit.evidence
        model_urgent = ""
        # A bare plea after a risk reply ("ayudame por favor") repeats the crisis text: the
        # urgent model reads danger from words of danger, not from "please" (h14e).
        # Nor is an intent to hurt someone with no weapon in hand now urgent by the model (h14f).
        plea_only = all(
            h.rule.startswith((*_PLEA, _INTENT)) or (h.rule.startswith(_REVIVED) and _in_care(view))
            for h in crisis
        )
        if crisis and not urgent and reading is not None and not plea_only:
            model_urgent = _urgent_by_model(view, hit.lang, reading)
        if model_urgent:
            evidence = f"{evidence} (urgent: {model_urgent})"
        return Classification(
            category=tier,
            score=score,
            revokes=revoking is not None,
            signals=_signals(tier, hits),
            rule=hit.rule,
            urgent=bool(urgent) or bool(model_urgent),
            language=hit.lang,
            evidence=evidence,
            urgent_evidence=hit.evidence if urgent else model_urgent,
        )

    signals = _signals(None, hits)
    if revoking is not None:
        rule, evidence = revoking
        return Classification(
            Category.OPT_OUT.value, None, True, signals, rule, False, lang, evidence
        )
    if opted_out and prompts.opt_in(clauses):
        return Classification(Category.OPT_IN.value, signals=signals, rule="optin.keyword",
                              language=lang, evidence=" ".join(clauses.tokens))  # fmt: skip
    if prompts.help_keyword(clauses):
        return Classification(Category.HELP.value, signals=signals, rule="help.keyword",
                              language=lang, evidence=" ".join(clauses.tokens))  # fmt: skip
    if opted_out:
        return Classification(Category.FREE_TEXT.value, signals=signals, rule="free_text.opted_out",
                              language=lang)  # fmt: skip
    # Most recent prompt first; an answer that only fits an older open prompt still counts.
    for kind in kinds:
        if kind == "reminder":
            answer = prompts.reminder_answer(clauses, raw)
            if answer is not None:
                return Classification(answer, signals=signals, rule=f"{answer}.reminder",
                                      language=lang, evidence=surf)  # fmt: skip
        elif score is not None:
            return Classification(Category.CHECKIN_ANSWER.value, score, signals=signals,
                                  rule="score.checkin", language=lang, evidence=surf)  # fmt: skip
    return Classification(Category.FREE_TEXT.value, signals=signals, language=lang)


def classify(
    body: str,
    *,
    opted_out: bool = False,
    open_prompts: Sequence[str] = (),
    crisis_terms: Sequence[str] = DEFAULT_CRISIS_TERMS,
    backstop: bool = True,
    recent_risk: bool = False,
) -> Classification:
    """Classify one inbound SMS body. ``open_prompts`` are the kinds of prompt awaiting an
    answer from this client, most recent first (``"reminder"``, ``"checkin"``). Reads only the
    first MAX_CHARS characters. Pure and never raises: on an internal error the result is
    free text with rule ``"error"`` (a person reads it), after a last plain-phrase crisis check.
    ``backstop=False`` runs the named rules alone (training and evaluation of the model).
    ``recent_risk``: the program answered a crisis or concern reply from this client in the
    last 24 hours; then HELP, AYUDA or "help me" is a plea (crisis), not the help keyword."""
    try:
        models = _models() if backstop else None
        return _classify(body, opted_out, open_prompts, crisis_terms, models, recent_risk)
    except Exception:  # the webhook must always record the reply; free text reaches a human
        try:
            evidence = fallback_crisis(body[:MAX_CHARS] if isinstance(body, str) else "")
        except Exception:
            evidence = None
        if evidence is not None:
            return Classification(Category.CRISIS.value, signals=(Signal.CRISIS.value,),
                                  rule="crisis.fallback_term", evidence=evidence)  # fmt: skip
        return Classification(Category.FREE_TEXT.value, rule="error")
