"""The classifier's shortcuts give exactly what the plain computation gives.

Each speed-up skips work when a cheap test proves it would find nothing (a word test before a
regex, a substring test before a phrase regex, a cache of words known to stay as they are). A
shortcut that is wrong changes what a reply means, so each is checked against the computation
it replaces, on the lexicons' own phrases and on seeded random texts built from their words.
"""

from __future__ import annotations

import importlib
import random
import re

import pytest

from notifier.understanding import prompts
from notifier.understanding.finder import Finder, phrase_needs, regex_needs
from notifier.understanding.lexicon import Lexicons, load
from notifier.understanding.model import features
from notifier.understanding.model import load as load_models
from notifier.understanding.normalise import expand, surface
from notifier.understanding.rules import candidates
from notifier.understanding.view import View

# The module, not the function the package exports under the same name.
nz = importlib.import_module("notifier.understanding.normalise")

# Punctuation, emoji and spacing a phone produces, to cut the words apart with.
_GLUE = [" ", " ", " ", ", ", ". ", "! ", "?", " - ", "\n", "_", "...", " \U0001f62d ", "/", "'"]


def _vocabulary(lex: Lexicons) -> list[str]:
    return sorted(lex.vocabulary | set(lex.index))


def _texts(n: int, seed: int) -> list[str]:
    """Random texts of lexicon words and phone punctuation: they wake many rules and
    searches at once, which is where a wrong shortcut would show."""
    rng = random.Random(seed)
    words = _vocabulary(load())
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 40)):
            parts.append(rng.choice(words))
            parts.append(rng.choice(_GLUE))
        out.append("".join(parts))
    return out


def _finders(lex: Lexicons) -> list[Finder]:
    out: list[Finder] = []
    for lang in lex.languages.values():
        ctx = lang.context
        out += [f for f in (ctx.history, ctx.past_time, ctx.intent, lang.not_risk) if f]
        for rule in lang.rules:
            out += [f for f in (rule.unless, rule.with_any) if f]
    return out


def test_finder_finds_exactly_what_its_regex_finds() -> None:
    lex = load()
    finders = _finders(lex)
    assert len(finders) > 20
    for text in _texts(400, seed=11):
        view = View.of(nz.normalise(text))
        for finder in finders:
            plain = [(m.start(), m.end()) for m in finder.regex.finditer(view.text)]
            fast = [(m.start(), m.end()) for m in finder.finditer(view.text, view.words)]
            assert fast == plain, (finder.regex.pattern[:80], view.text)
            found = finder.search(view.text, view.words)
            first = finder.regex.search(view.text)
            assert (found and found.span()) == (first and first.span())


def test_finder_on_a_sentence_with_the_whole_messages_words() -> None:
    history = load().languages["en"].context.history
    assert history is not None
    view = View.of("i relapsed. i tried to kill myself years ago, when i was a kid")
    sentence = view.sentence(view.text.index("tried"), view.text.index("ago"))
    assert history.search(sentence, view.words) is not None
    assert history.search("| i want to die | ", View.of("i want to die").words) is None


@pytest.mark.parametrize(
    ("regex", "needs"),
    [
        ("for (?:[0-9]+|many) (?:years|yrs)", [{"for"}, {"years", "yrs"}]),
        ("hace (?:[0-9]+|un|dos) anos", [{"hace"}, {"anos"}]),
        ("(?:[0-9]+|a few) (?:years|yrs) (?:ago|since)", [{"years", "yrs"}, {"ago", "since"}]),
        ("stop (?:texting|txting)? me", [{"stop"}, {"me"}]),  # an optional item says nothing
    ],
)
def test_regex_needs_reads_literal_words_and_word_groups(regex: str, needs: list[set[str]]) -> None:
    assert [set(n) for n in regex_needs(regex) or ()] == needs


@pytest.mark.parametrize("regex", ["foo|bar baz", "(?:a|b c)?", "x+", "[0-9]+ anos?"])
def test_regex_needs_says_nothing_when_unsure(regex: str) -> None:
    # "foo|bar baz": no word is needed by both branches; the others have no literal item.
    assert regex_needs(regex) is None


def test_phrase_needs_are_its_words() -> None:
    assert phrase_needs("in the past") == (
        frozenset({"in"}),
        frozenset({"the"}),
        frozenset({"past"}),
    )


def _view_by_the_old_steps(normalised: str) -> tuple[str, tuple[str, ...]]:
    """View.of as first written: a break regex, a token regex, then separators collapsed one
    token at a time in Python."""
    s = re.sub(r"[.!?;:\n]+|[^\w\s,'/-]|_|\s-+\s", " | ", normalised.replace("'", ""))
    tokens = ["|"]
    for tok in re.findall(r"[^\W_]+|[|,]", s):
        if tok in ("|", ",") and tokens[-1] in ("|", ","):
            if tok == "|":
                tokens[-1] = "|"
            continue
        tokens.append(tok)
    if tokens[-1] == ",":
        tokens[-1] = "|"
    elif tokens[-1] != "|":
        tokens.append("|")
    return " ".join(tokens) + " ", tuple(tokens)


def test_view_equals_the_token_by_token_construction() -> None:
    rng = random.Random(5)
    odd = ["", ",", ",,,", " , , ", "| |", "- -", "\n\n", "_,_", "\u00e9", "\U0001f600", "a,b"]
    texts = [*_texts(300, seed=5), *odd, *("".join(rng.choices(odd, k=8)) for _ in range(200))]
    for text in texts:
        normalised = nz.normalise(text)
        view = View.of(normalised)
        assert (view.text, view.tokens) == _view_by_the_old_steps(normalised), repr(text)
        assert view.offsets == tuple(
            sum(len(t) + 1 for t in view.tokens[:k]) for k in range(len(view.tokens))
        )
        anchors = set(view.tokens[::3]) - {"|", ","}
        assert view.positions(anchors) == {
            w: [k for k, t in enumerate(view.tokens) if t == w] for w in anchors
        }


def test_view_of_printable_ascii_equals_the_regex_reading() -> None:
    # Printable ASCII is read through a character table, not the regex: every character class
    # the regex tells apart, spaced and bare dashes, apostrophes, runs of separators.
    rng = random.Random(14)
    alphabet = [*"ab7Z ,.!?-_/'|:;()#*~", " - ", " -- ", "  ", "can't", "7-8", " ,", ", ,"]
    texts = ["", " ", "-", " - ", "a - - b", "a '- b", *_every_printable_character()]
    texts += ["".join(rng.choices(alphabet, k=rng.randrange(1, 30))) for _ in range(2000)]
    for text in texts:
        view = View.of(text)
        assert (view.text, view.tokens) == _view_by_the_old_steps(text), repr(text)


def _every_printable_character() -> list[str]:
    return [chr(c) + " x" + chr(c) + "y " + chr(c) for c in range(0x20, 0x7F)]


def test_a_thousand_commas_stay_linear() -> None:
    view = View.of("a" + ", " * 800 + "b")
    assert view.tokens == ("|", "a", ",", "b", "|")


def test_every_meaningful_emoji_is_outside_ascii() -> None:
    # full() skips the emoji table on ASCII texts: true only while no key is ASCII.
    for lang in load().languages.values():
        assert all(not key.isascii() for key in lang.emoji), lang.code


def test_expansion_shortcut_equals_splitting_every_word() -> None:
    def by_splitting(text: str, code: str) -> str:
        lang = load().languages[code]
        parts = nz._WORD_SPLIT.split(text)
        for i in range(1, len(parts), 2):
            parts[i] = nz._expand_word(parts[i], lang)
        # SMS shorthand ("me n him") is read like expand() reads it: a random text meets it by
        # chance (h14g's new lexicon words drew "lingers n queda").
        if any(part in lang.shorthand for part in parts[1::2]):
            nz._read_shorthand(parts, lang)
        return "".join(parts)

    for code in ("en", "es"):
        texts = [surface(t) for t in _texts(300, seed=3)]
        table = load().languages[code].phrases
        phrases = nz._phrase_regex(code)
        for text in texts * 2:  # the second time every word is known: the shortcut applies
            plain = text
            if phrases is not None:
                plain = phrases.sub(lambda m, table=table: table[m.group(0)], text)
            assert expand(text, code) == by_splitting(plain, code), repr(text)


def test_model_read_scores_the_same_features_as_score() -> None:
    models = load_models()
    for text in _texts(300, seed=9):
        view_text = View.of(nz.normalise(text)).text
        fast = models.read(view_text)
        plain = models.score(features(view_text))
        assert sorted(fast.present.items()) == sorted(plain.present.items())
        for task in fast.p:
            assert fast.p[task] == pytest.approx(plain.p[task], rel=1e-12, abs=1e-15)
            assert fast.evidence(task) == plain.evidence(task)


def test_model_read_when_its_word_table_fills_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # The per-word table is emptied when full. A message whose other words were already there
    # must still find every one of its words afterwards (a KeyError here made classify() fall
    # back to "error": free text for a message the model should have read).
    models = load_models()
    models._by_word.clear()  # a cache: emptying it changes no answer
    monkeypatch.setattr(importlib.import_module("notifier.understanding.model"), "_FEATURES_MAX", 8)
    first = View.of(nz.normalise("i took all my pills")).text
    models.read(first)
    second = View.of(nz.normalise("i took all my pills and now i want to die tonight")).text
    fast = models.read(second)
    plain = models.score(features(second))
    assert sorted(fast.present.items()) == sorted(plain.present.items())


def test_candidates_are_the_patterns_whose_anchors_and_required_words_occur() -> None:
    # The anchor index keeps the required word sets as bit masks; the plain rule: a pattern is
    # tried around each of its anchor words in the text when every one of its required word
    # sets has a word in the text.
    lex = load()
    for text in _texts(300, seed=14):
        view = View.of(nz.normalise(text))
        plain: dict[tuple[str, int], dict[int, set[int] | None]] = {}
        for code, lang in lex.languages.items():
            for r_no, rule in enumerate(lang.rules):
                for p_no, anchors in enumerate(rule.anchors):
                    if anchors is None:  # no anchor: always tried, on the whole text
                        plain.setdefault((code, r_no), {})[p_no] = None
                        continue
                    if any(need.isdisjoint(view.words) for need in rule.requires[p_no]):
                        continue
                    at = {n for n, tok in enumerate(view.tokens) if tok in anchors}
                    if at:
                        plain.setdefault((code, r_no), {})[p_no] = at
        assert candidates(view, lex) == plain, repr(text)


def test_ascii_tokens_equal_the_token_regex() -> None:
    rng = random.Random(15)
    every = [chr(c) for c in range(128)]
    texts = [
        "".join(rng.choices([*every, "can't", "ab", "7"], k=rng.randrange(0, 40)))
        for _ in range(2000)
    ]
    for text in texts:
        assert prompts.tokens(text) == tuple(re.findall(r"[^\W_]+", text.replace("'", ""))), repr(
            text
        )
