"""The lexicon files load, every rule compiles, and every rule name referenced exists."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from itertools import pairwise

import pytest

from notifier.core.enums import LANGUAGES
from notifier.understanding import DEFAULT_CRISIS_TERMS, Signal
from notifier.understanding.lexicon import DROP, KEEP, load
from notifier.understanding.patterns import PatternError, Vocabulary, compile_pattern


def _raw(code: str) -> dict[str, list[dict[str, object]]]:
    path = resources.files("notifier.understanding").joinpath(f"lexicons/{code}.toml")
    data: dict[str, list[dict[str, object]]] = tomllib.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("code", LANGUAGES)
def test_file_loads_and_is_shipped_as_package_data(code: str) -> None:
    data = _raw(code)
    assert data["language"] == code
    assert data["rules"], "every language has rules"


def test_loaded_once() -> None:
    assert load() is load()


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_rule_is_named_for_its_signal_and_language(code: str) -> None:
    names = [r.name for r in load().languages[code].rules]
    assert len(names) == len(set(names)), "rule names are unique"
    for rule in load().languages[code].rules:
        assert rule.signal in {s.value for s in Signal}
        assert rule.name.startswith(rule.signal + ".")
        assert rule.name.endswith("." + code)
        assert rule.patterns and len(rule.patterns) == len(rule.anchors)


def test_every_rule_name_referenced_exists() -> None:
    names = load().rule_names()
    for lang in load().languages.values():
        for rule in lang.rules:
            for target in (rule.negated, rule.third_party, rule.history, rule.near_miss):
                assert target in (KEEP, DROP) or target in names, (rule.name, target)


def test_both_languages_have_the_same_rule_kinds() -> None:
    kinds = {
        code: {r.name.rsplit(".", 1)[0] for r in load().languages[code].rules} for code in LANGUAGES
    }
    assert kinds["en"] == kinds["es"]


def test_default_crisis_terms_come_from_both_lexicons() -> None:
    assert "suicide" in DEFAULT_CRISIS_TERMS
    assert "sobredosis" in DEFAULT_CRISIS_TERMS
    assert len(DEFAULT_CRISIS_TERMS) == len(set(DEFAULT_CRISIS_TERMS))


@pytest.mark.parametrize(
    "bad",
    ["<nosuchlemma> x", "{nosuchclass}", "", "a||b", "!"],
)
def test_bad_patterns_are_rejected(bad: str) -> None:
    vocab = Vocabulary(forms={"kill": ("kill", "kills")}, classes={"self": ("myself",)})
    with pytest.raises(PatternError):
        compile_pattern(bad, vocab)


# Patterns where one plain word W is followed by an item with an alternative "W_...": the
# grammar splits on spaces first, so "me colgue|me_ahorque" reads "me" then "colgue" or "me me
# ahorque", never what was meant. Ten were mended in the twenty-second and twenty-third rounds;
# these keep their present meaning until a reviewer decides each one (making all of them mean
# what was written moved dev 2 lines better and 6 worse). The count may only go down.
KNOWN_MIS_SPLIT = 72
_PLAIN_WORD = re.compile(r"[a-z0-9']+")


def _mis_split(pattern: str) -> bool:
    items = pattern.split()
    return any(
        _PLAIN_WORD.fullmatch(prev) is not None
        and "|" in item
        and any(a.startswith(prev + "_") for a in item.rstrip("?").split("|"))
        for prev, item in pairwise(items)
    )


def _listed(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def test_no_new_alternation_is_split_one_word_too_late() -> None:
    found = [
        (code, rule["name"], p)
        for code in LANGUAGES
        for rule in _raw(code)["rules"]
        for key in ("patterns", "with_any", "unless", "without_any")
        for p in _listed(rule.get(key))
        if _mis_split(p)
    ]
    assert len(found) <= KNOWN_MIS_SPLIT, found
    assert _mis_split("me colgue|me_ahorque ...? y")
    assert not _mis_split("me_colgue|me_ahorque ...? y")


# Gaps in a row ("took ... ... ... hoping") are one gap of their summed width: "(?:[^ |]+ ){0,3}"
# nine times in a row tries 4**9 ways to split the words before failing (0.7 ms on one long
# message; a crafted one could hold a worker far longer), one "{0,27}" tries 28.
_GAP = r"(?:[^ |]+ ){0,3}"
_VOCAB = Vocabulary(forms={}, classes={})


@pytest.mark.parametrize("gaps", [2, 3, 9])
def test_gaps_in_a_row_compile_to_one_quantifier(gaps: int) -> None:
    compiled = compile_pattern("took " + "... " * gaps + "hoping", _VOCAB)
    assert _GAP not in compiled.regex
    assert compiled.regex.count("{0,") == 1
    assert f"{{0,{3 * gaps}}}" in compiled.regex
    assert compiled.span == 2 + 3 * gaps  # the span a window needs is unchanged


def test_a_single_gap_is_unchanged() -> None:
    assert _GAP in compile_pattern("took ... hoping", _VOCAB).regex
    assert compile_pattern("took ... all ... hoping", _VOCAB).regex.count(_GAP) == 2


@pytest.mark.parametrize(
    "text",
    [
        "| took them all hoping | ",
        "| took them all and the rest of the bottle , hoping | ",
        "| took " + "x " * 6 + "hoping | ",
        "| took " + "x " * 7 + "hoping | ",  # one word too far for two gaps
        "| took x | hoping | ",  # never across a sentence end
        "| took , , hoping hoping | ",
        "| took took x hoping , took hoping | ",
        "| took " + "y " * 40 + "| ",  # the long failing try
    ],
)
def test_merged_gaps_find_exactly_what_the_gaps_one_by_one_find(text: str) -> None:
    merged = re.compile(r"(?<= )" + compile_pattern("took ... ... hoping", _VOCAB).regex)
    one_by_one = re.compile(r"(?<= )(?:took )" + _GAP * 2 + r"(?:hoping )")
    found = [(m.start(), m.end()) for m in merged.finditer(text)]
    assert found == [(m.start(), m.end()) for m in one_by_one.finditer(text)]
