"""Loading ``lexicons/*.toml`` once into compiled, immutable structures.

The TOML files are the reviewable source of every word and phrase; this module only turns them
into sets and compiled regular expressions. Loaded at first use and cached for the life of the
process: classification is pure and never reads a file after that.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from notifier.core.enums import LANGUAGES
from notifier.understanding.finder import Finder, phrase_needs, regex_needs
from notifier.understanding.patterns import Vocabulary, compile_any, compile_each

# Every signal a rule may carry, in the order a reply lists them (result.Signal).
SIGNALS: tuple[str, ...] = (
    "crisis",
    "concern",
    "use",
    "callback",
    "medical",
    "violence",
    "safety",
    "medication",
    "naloxone",
    "pregnancy",
    "life_event",
    "wrong_number",
)
# What a context check may do to a match: keep it, drop it, or hand it to another rule.
KEEP, DROP = "keep", "drop"


def words(text: str) -> frozenset[str]:
    """Word lists are written as one string in the TOML: easier to read than a list."""
    return frozenset(text.split())


def _phrases_regex(phrases: list[str], common: frozenset[str] = frozenset()) -> Finder | None:
    """Whole-word phrases over a view sentence (words separated by single spaces)."""
    # "re:" marks a regular expression ("re:hace [0-9]+ anos"); everything else is literal.
    return Finder.of(
        r"(?<![^ ])(?:{})(?![^ ])",
        [
            (p[3:], regex_needs(p[3:])) if p.startswith("re:") else (re.escape(p), phrase_needs(p))
            for p in sorted(phrases, key=len, reverse=True)
        ],
        common,
    )


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule: patterns for one signal plus what negation, a third-party subject, a
    history marker or a near miss does to a match."""

    name: str
    lang: str
    signal: str
    patterns: tuple[re.Pattern[str], ...]
    anchors: tuple[frozenset[str] | None, ...]  # per pattern: one of these words must occur
    starts: tuple[bool, ...]  # per pattern: every match starts with an anchor word
    spans: tuple[int, ...]  # per pattern: the most view tokens one match can cover
    # per pattern: word sets that must each meet the text (one per mandatory item)
    requires: tuple[tuple[frozenset[str], ...], ...]
    unless: Finder | None
    # When set, a match only counts if one of these also occurs anywhere in the message
    # (a symptom "cant get air" is urgent only in a message about taking something).
    with_any: Finder | None
    negated: str
    third_party: str
    history: str
    near_miss: str
    urgent: bool
    use: bool
    # What a "before now" word ("last night", "anoche") does: "keep" (crisis, not urgent),
    # "drop" (a past ingestion is use, not an overdose now), "urgent" (a sign in the body now)
    # or the name of the rule the match is handed to (a seizure told as past: not 911 now).
    past: str = KEEP
    # Signals a match carries beside its own ("crisis" + "medical" for a seizure now).
    also: tuple[str, ...] = ()
    # Only read when the program answered a crisis or concern reply in the last 24 hours
    # (classify's recent_risk): "HELP" then is a plea, not the keyword.
    after_risk: bool = False
    # No match counts when one of these occurs anywhere in the message (shaking "since i
    # stopped drinking" is withdrawal, not an overdose).
    without_any: Finder | None = None
    # A rule that only ever sets aside: its matches tell the learned backstop not to add its
    # signal ("we argued again" is not safety).
    veto: bool = False
    # What laughter in the message ("lol", "jaja", a laughing emoji) does to a match: keep,
    # drop (hyperbole: "ugh kill me lol") or hand it to a rule.
    laughter: str = KEEP
    # A signal another surviving hit must carry for this match to count ("use": alone is a
    # risk only while using; self-hatred is the lapse family only after a lapse).
    needs: str | None = None
    # A match about someone else told as history, news, media or a group topic ("my uncle od'd
    # back in 2015", "saw on the news", "group talked about overdose"): keep, drop or hand it
    # to a rule; told with a "before now" time ("my friend od'd last night"): others_recent.
    others_past: str = KEEP
    others_recent: str = KEEP
    # A body in danger told as earlier today ("threw up blood this morning") is still now:
    # the context's same-day times do not date this rule's matches (twelfth round).
    same_day: bool = False
    # Preparations or a plan told with a time that is now or hours away ("tonight", "when
    # everyone is asleep"): the match is urgent ([context] imminent; fifteenth round).
    imminent: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    negators: frozenset[str]
    near_miss: frozenset[str]
    desire: frozenset[str]
    transparent: frozenset[str]
    self_words: frozenset[str]
    first_person: frozenset[str]  # transparent verbs whose subject can only be the client
    third_party: frozenset[str]
    possessives: frozenset[str]
    history: Finder | None
    past_time: Finder | None
    # Intent or imminence ("tonight", "im going to do it"): turns a concern match into crisis.
    intent: Finder | None
    laughter: frozenset[str]  # "lol", "jaja": an urgent reading is not kept beside them
    # "jk", "mentira": a joke taken back; what follows is said in earnest (see rules.laughing).
    retraction: frozenset[str]
    escalates: frozenset[str]  # concern rules (without language) that intent turns to crisis
    # A sentence that reports (news, media, a group topic, hearsay): see Rule.others_past.
    reported: Finder | None = None
    # Words that make a "before now" time last until now ("since last night").
    ongoing: frozenset[str] = frozenset()
    # Words that put a clause in the present ("now", "rn", "ahorita").
    present: frozenset[str] = frozenset()
    # Sentence-initial words that address the reader ("tio", "bro"), never the subject.
    vocatives: frozenset[str] = frozenset()
    # Times long enough ago that someone else's event is history ("last month").
    distant: Finder | None = None
    # A death told anywhere in the message ("funeral is friday", "we buried him"): someone
    # else's overdose beside it is how they died, not an emergency now (twenty-first round).
    death_told: Finder | None = None
    # Things that die or get killed ("my phone is about to die"): never a person at risk.
    objects: frozenset[str] = frozenset()
    # Prepositions before such a word make it a place ("in the car"), not the subject.
    places: frozenset[str] = frozenset()
    # First-person subject pronouns ("i", "yo"): inside a match they make the client its
    # subject ("everyone would be better off if I was dead"), whoever a word before it names.
    subject: frozenset[str] = frozenset()
    # A question about what to do if it ever happens ("what do you do if someone ods"): the
    # emergency words after it in its sentence are a what-if, not an emergency now.
    hypothetical: Finder | None = None
    # "Before now" times that are still today ("this morning", "esta manana"): a rule with
    # ``same_day`` is not dated by them.
    same_day: frozenset[str] = frozenset()
    # A subject that counts the client in ("we"): someone else's for risk, the client's own
    # for use ("we did a line together").
    we: frozenset[str] = frozenset()
    # "And" joining the client to someone else at a clause start ("me and my buddy"): the
    # client's own use too, as with ``we``.
    joins: frozenset[str] = frozenset()
    # Places where paramedics or a hospital already have the client ("ambulance", "ER"): a
    # revival told from there is not made 911 first by the urgent model.
    in_care: frozenset[str] = frozenset()
    # Reports that stay reports run on after the match (the news, a show): a subset of
    # ``reported`` (hearsay such as "they said" after the match may be someone speaking now).
    media: frozenset[str] = frozenset()
    # Someone else as a clause's subject for use: a pronoun ("he", "ellos"), or an article or
    # a possessive before a person of ``third_party`` ("the neighbors", "mi cunado").
    others: frozenset[str] = frozenset()
    # Words of now that part a history marker from a match ("years ago ... tonight i took").
    now: frozenset[str] = frozenset()
    # Words of now that, right after a history marker, name its anniversary ("5 years ago
    # today i od'd": the overdose is five years old; twenty-fifth round).
    anniversary: frozenset[str] = frozenset()
    # Third-person pronouns that name someone else in an emergency ("he", "ella"), without the
    # words that are also articles ("el"): see others.someone_elses.
    pronouns: frozenset[str] = frozenset()
    # Words just before a use match that make it a plan, not use yet ("im going to drink the
    # whole fifth", "me voy a tomar"): each a tuple of tokens (twenty-eighth round).
    plan: tuple[tuple[str, ...], ...] = ()
    # Times now or hours away that make preparations urgent (Rule.imminent).
    imminent: Finder | None = None
    # Articles that, like a possessive, stand before a person of ``third_party`` ("the").
    articles: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    markers: frozenset[str]
    abbreviations: Mapping[str, str]
    phrases: Mapping[str, str]
    emoji: Mapping[str, str]
    numbers: Mapping[str, int]
    context: Context
    rules: tuple[Rule, ...]
    crisis_terms: tuple[str, ...]
    # Everyday phrases the learned backstop must never raise to risk ([backstop] not_risk).
    not_risk: Finder | None
    data: Mapping[str, Any]  # the raw tables, for the opt-out/confirm lexicons
    # Digits and letters read as a word only beside certain words ("go 2 sleep" but "took 2").
    shorthand: Mapping[str, Shorthand] = field(default_factory=dict)
    # Abbreviations of this language written out whatever the message's language ("q", "xq"
    # in a Spanglish text the detector called English).
    everywhere: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Shorthand:
    """ "2" -> "to" when the word before is one of ``after`` ("want 2") or the word after is
    one of ``before`` ("2 sleep"); ``between`` = any word on both sides ("me n him")."""

    word: str
    after: frozenset[str] = frozenset()
    before: frozenset[str] = frozenset()
    between: bool = False


# ((language, rule number), pattern number, the pattern's required word sets as a bit mask: bit
# n for the set numbered n)
IndexEntry = tuple[tuple[str, int], int, int]


@dataclass(frozen=True, slots=True)
class Lexicons:
    languages: Mapping[str, Language]
    vocabulary: frozenset[str]  # every word the lexicons know (for the letter squeezer)
    # word -> an IndexEntry for each of the patterns anchored on it, and the patterns with no
    # anchor (always tried). Most messages wake only a few patterns.
    index: Mapping[str, tuple[IndexEntry, ...]]
    unanchored: tuple[tuple[str, int, int], ...]
    # word -> the required word sets (Rule.requires, numbered once) holding it, as a bit mask:
    # the sets a text meets are the OR over its words. Bit masks, not sets of numbers: an OR
    # of two ints is one pass over a few machine words, where a set union hashes and inserts
    # every number (hundreds per message).
    requirement_words: Mapping[str, int] = field(default_factory=dict)
    # Every required set's bit: XOR with the sets a text meets gives the ones it does not.
    requirements: int = 0
    # Full rule name ("concern.withdrawal.en") -> the rule: where a match handed over goes.
    by_name: Mapping[str, Rule] = field(default_factory=dict)

    def rule_names(self) -> frozenset[str]:
        return frozenset(r.name for lang in self.languages.values() for r in lang.rules)


def _target(value: str, lang: str) -> str:
    return value if value in (KEEP, DROP) else f"{value}.{lang}"


def _rule(raw: Mapping[str, Any], lang: str, vocab: Vocabulary) -> Rule:
    compiled = compile_each(raw["patterns"], vocab)
    unless = compile_any(raw["unless"], vocab) if raw.get("unless") else None
    signal = raw["signal"]
    if signal not in SIGNALS or not raw["name"].startswith(signal + "."):
        raise ValueError(f"rule {raw['name']}: bad signal {signal}")
    past = str(raw.get("past", KEEP))
    also = tuple(raw.get("also", ()))
    if any(a not in SIGNALS or a == signal for a in also):
        raise ValueError(f"rule {raw['name']}: bad also {also}")
    return Rule(
        name=f"{raw['name']}.{lang}",
        lang=lang,
        signal=signal,
        patterns=tuple(re.compile("(?<= )" + c.regex) for c in compiled),
        anchors=tuple(c.anchors for c in compiled),
        starts=tuple(c.starts for c in compiled),
        spans=tuple(c.span for c in compiled),
        requires=tuple(c.requires for c in compiled),
        unless=unless,
        with_any=compile_any(raw["with_any"], vocab) if raw.get("with_any") else None,
        negated=_target(raw.get("negated", DROP), lang),
        third_party=_target(raw.get("third_party", KEEP), lang),
        history=_target(raw.get("history", KEEP), lang),
        near_miss=_target(raw.get("near_miss", KEEP), lang),
        urgent=bool(raw.get("urgent", False)),
        use=bool(raw.get("use", False)),
        past=past if past == "urgent" else _target(past, lang),
        also=also,
        after_risk=bool(raw.get("after_risk", False)),
        without_any=compile_any(raw["without_any"], vocab) if raw.get("without_any") else None,
        veto=bool(raw.get("veto", False)),
        laughter=_target(raw.get("laughter", KEEP), lang),
        needs=_needs(raw, also),
        others_past=_target(raw.get("others_past", KEEP), lang),
        others_recent=_target(raw.get("others_recent", KEEP), lang),
        same_day=bool(raw.get("same_day", False)),
        imminent=bool(raw.get("imminent", False)),
    )


def _needs(raw: Mapping[str, Any], also: tuple[str, ...]) -> str | None:
    needs = raw.get("needs")
    if needs is not None and needs not in SIGNALS:
        raise ValueError(f"rule {raw['name']}: bad needs {needs}")
    return None if needs is None else str(needs)


def _vocabulary(data: Mapping[str, Any], common: frozenset[str]) -> Vocabulary:
    forms = {k: tuple(v.split()) for k, v in data["forms"].items()}
    classes = {
        k: tuple(v.split()) if isinstance(v, str) else tuple(v) for k, v in data["classes"].items()
    }
    return Vocabulary(forms=forms, classes=classes, common=common)


def _shorthand(raw: Mapping[str, Any]) -> Shorthand:
    return Shorthand(
        str(raw["word"]),
        words(raw.get("after", "")),
        words(raw.get("before", "")),
        bool(raw.get("between", False)),
    )


def _language(code: str, text: str, common: frozenset[str]) -> Language:
    data = tomllib.loads(text)
    ctx = data["context"]
    vocab = _vocabulary(data, common)
    norm = data["normalise"]
    return Language(
        code=code,
        # Abbreviations are as telling as common words ("kiero", "xq", "rn").
        markers=words(data["markers"])
        | {k for k in norm["abbreviations"] if len(k) >= 2 or k == "q"},
        abbreviations=dict(norm["abbreviations"]),
        phrases=dict(norm["phrases"]),
        emoji={k.replace("\ufe0f", ""): v for k, v in norm["emoji"].items()},
        numbers=dict(data["numbers"]),
        context=Context(
            negators=words(ctx["negators"]),
            near_miss=words(ctx["near_miss"]),
            desire=words(ctx["desire"]),
            transparent=words(ctx["transparent"]),
            self_words=words(ctx["self"]),
            first_person=words(ctx.get("first_person", "")),
            third_party=words(ctx["third_party"]),
            possessives=words(ctx["possessives"]),
            history=_phrases_regex(ctx["history"], common),
            past_time=_phrases_regex(ctx["past_time"], common),
            intent=_phrases_regex(ctx.get("intent", []), common),
            escalates=words(ctx.get("escalates", "")),
            laughter=words(ctx.get("laughter", "")),
            retraction=words(ctx.get("retraction", "")),
            reported=_phrases_regex(ctx.get("reported", []), common),
            ongoing=words(ctx.get("ongoing", "")),
            present=words(ctx.get("present", "")),
            vocatives=words(ctx.get("vocatives", "")),
            distant=_phrases_regex(ctx.get("distant", []), common),
            death_told=_phrases_regex(ctx.get("death_told", []), common),
            objects=words(ctx.get("objects", "")),
            places=words(ctx.get("places", "")),
            subject=words(ctx.get("subject", "")),
            hypothetical=_phrases_regex(ctx.get("hypothetical", []), common),
            same_day=frozenset(ctx.get("same_day", [])),
            we=words(ctx.get("we", "")),
            joins=words(ctx.get("joins", "")),
            in_care=words(ctx.get("in_care", "")),
            media=frozenset(ctx.get("media", [])),
            others=words(ctx.get("others", "")),
            now=words(ctx.get("now", "")),
            anniversary=words(ctx.get("anniversary", "")),
            pronouns=words(ctx.get("pronouns", "")),
            plan=tuple(tuple(p.split()) for p in ctx.get("plan", [])),
            imminent=_phrases_regex(ctx.get("imminent", []), common),
            articles=words(ctx.get("articles", "")),
        ),
        rules=tuple(_rule(r, code, vocab) for r in data["rules"]),
        crisis_terms=tuple(data["crisis_terms"]["terms"]),
        not_risk=_phrases_regex(data.get("backstop", {}).get("not_risk", []), common),
        data=data,
        shorthand={k: _shorthand(v) for k, v in norm.get("shorthand", {}).items()},
        everywhere=words(norm.get("everywhere", "")),
    )


def _read(code: str) -> str:
    return (
        resources.files("notifier.understanding")
        .joinpath(f"lexicons/{code}.toml")
        .read_text(encoding="utf-8")
    )


@cache
def load() -> Lexicons:
    texts = {code: _read(code) for code in LANGUAGES}
    common = frozenset(w for text in texts.values() for w in tomllib.loads(text)["markers"].split())
    languages = {code: _language(code, text, common) for code, text in texts.items()}
    index: dict[str, list[IndexEntry]] = {}
    unanchored: list[tuple[str, int, int]] = []
    numbers: dict[frozenset[str], int] = {}
    for code, lang in languages.items():
        # One key tuple per rule, shared by its entries: candidates() builds none per message.
        keys = [(code, r_no) for r_no in range(len(lang.rules))]
        for r_no, rule in enumerate(lang.rules):
            for p_no, anchors in enumerate(rule.anchors):
                if anchors is None:
                    unanchored.append((code, r_no, p_no))
                required = _mask(numbers.setdefault(r, len(numbers)) for r in rule.requires[p_no])
                for word in anchors or ():
                    index.setdefault(word, []).append((keys[r_no], p_no, required))
    known = frozenset(w for text in texts.values() for w in re.findall(r"[a-z]+", text))
    # A rule may only hand a match to a rule that exists.
    names = {r.name for lang in languages.values() for r in lang.rules}
    for lang in languages.values():
        for r in lang.rules:
            targets = (r.negated, r.third_party, r.history, r.near_miss, r.past, r.laughter,
                       r.others_past, r.others_recent)  # fmt: skip
            for target in targets:
                if target == "urgent":
                    continue
                if target not in (KEEP, DROP) and target not in names:
                    raise ValueError(f"rule {r.name} refers to unknown rule {target}")
    return Lexicons(
        languages=languages,
        vocabulary=known,
        index={w: tuple(v) for w, v in index.items()},
        unanchored=tuple(unanchored),
        requirement_words=_by_word(numbers),
        requirements=(1 << len(numbers)) - 1,
        by_name={r.name: r for lang in languages.values() for r in lang.rules},
    )


def _mask(numbers: Iterable[int]) -> int:
    return sum(1 << n for n in set(numbers))


def _by_word(numbers: Mapping[frozenset[str], int]) -> dict[str, int]:
    out: dict[str, set[int]] = {}
    for words_, n in numbers.items():
        for word in words_:
            out.setdefault(word, set()).add(n)
    return {w: _mask(ns) for w, ns in out.items()}
