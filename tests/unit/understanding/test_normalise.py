"""SMS normalisation: surface form (the contract) and the written-out form the rules read."""

from __future__ import annotations

import random

import pytest

from notifier.understanding import normalise
from notifier.understanding.normalise import (
    _WS,
    LATIN,
    _strip_edges,
    _surface_steps,
    detect_language,
    surface,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("  S\u00ed,   SE\u00d1OR!! ", "si, senor", id="accents_folded_n_tilde_too"),
        pytest.param("\uff33\uff34\uff2f\uff30", "stop", id="fullwidth"),
        pytest.param("I\u2019m", "i'm", id="curly_apostrophe"),
        pytest.param("7\u20138", "7-8", id="en_dash"),
        pytest.param("-3", "-3", id="leading_minus_kept_on_numbers"),
        pytest.param("- stop", "stop", id="leading_dash_bullet_stripped"),
        pytest.param("\U0001f600 ok \U0001f600", "ok", id="surrounding_emoji"),
        pytest.param("7/10!!", "7/10", id="inner_punctuation_kept"),
        pytest.param("a\u200bb", "ab", id="zero_width_removed"),
        pytest.param("one\n\ttwo", "one two", id="whitespace_collapsed_numbers_stay_words"),
        pytest.param("", "", id="empty"),
        pytest.param("!!!", "", id="punctuation_only"),
    ],
)
def test_surface_forms(body: str, expected: str) -> None:
    assert normalise(body) == expected
    assert surface(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("sooo tired", "so tired", id="squeeze_to_one"),
        pytest.param("killlll myself", "kill myself", id="squeeze_keeps_real_double"),
        pytest.param("goood", "good", id="squeeze_keeps_good"),
        pytest.param("pleeease", "please", id="squeeze_vowels"),
        pytest.param("u ok rn", "you ok right now", id="en_abbreviations"),
        pytest.param("idk, im gonna try", "i dont know, im going to try", id="en_gonna_idk"),
        pytest.param("wanna see u tmrw", "want to see you tomorrow", id="en_wanna_tmrw"),
        pytest.param("w/o my meds", "without my meds", id="en_w_slash_o"),
        pytest.param("pls call bc im scared", "please call because im scared", id="en_pls_bc"),
        pytest.param("I OD\u2019d", "i overdosed", id="od_apostrophe_not_odd"),
        pytest.param("took all my \U0001f48a", "took all my pills", id="emoji_pills"),
        pytest.param("\U0001f37a\U0001f37a all night", "beer beer all night", id="emoji_beer"),
        pytest.param("\U0001f52b and done", "gun and done", id="emoji_gun"),
        pytest.param("q no kiero seguir", "que no quiero seguir", id="es_q_kiero"),
        pytest.param("xq me siento mal tmb", "porque me siento mal tambien", id="es_xq_tmb"),
        pytest.param("x favor llamenme", "por favor llamenme", id="es_x_favor"),
        pytest.param("toy bn", "estoy bien", id="es_toy_bn"),
        pytest.param("me tome todas las \U0001f48a", "me tome todas las pastillas", id="es_emoji"),
    ],
)
def test_sms_forms_written_out(body: str, expected: str) -> None:
    assert normalise(body) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("i want to talk to someone", "en"),
        ("quiero hablar con alguien", "es"),
        ("kiero hablar", "es"),
        ("7", "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_surface_shortcut_for_latin_text_equals_the_general_steps() -> None:
    # surface() translates texts made only of LATIN characters through a table; that must be
    # what the general steps give, for every pair of such characters and longer mixes.
    def general(body: str) -> str:
        return _strip_edges(_WS.sub(" ", _surface_steps(body)))

    for a in LATIN:
        for b in LATIN:
            assert surface(a + b + "\u00f1") == general(a + b + "\u00f1"), repr(a + b)
    rng = random.Random(7)
    for _ in range(2000):
        body = "".join(rng.choice(LATIN) for _ in range(rng.randrange(1, 40)))
        assert surface(body) == general(body), repr(body)
