"""The 0-10 score parser: forms, ranges, out-of-range, and scores leading a longer reply."""

from __future__ import annotations

import pytest

from notifier.understanding import parse_score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("seven", 7, id="word"),
        pytest.param("7/10", 7, id="slash_ten"),
        pytest.param("Seven.", 7, id="capital_period"),
        pytest.param("10 out of 10", 10, id="ten_out_of_ten"),
        pytest.param("seven or eight", 8, id="word_range"),
        pytest.param("12", None, id="out_of_range"),
        pytest.param("six thirty", None, id="time_in_words"),
        pytest.param("", None, id="empty"),
        pytest.param("hello", None, id="no_number"),
        pytest.param("siete", 7, id="es_word"),
        pytest.param("Diez", 10, id="es_capital"),
        pytest.param("un seis", 6, id="es_un"),
        pytest.param("cero", 0, id="es_zero"),
        pytest.param("once", None, id="es_eleven_not_a_score"),
    ],
)
def test_bare_forms(text: str, expected: int | None) -> None:
    assert parse_score(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("8, honestly i want to die", 8, id="leading_score_then_text"),
        pytest.param("9 its a bad day", 9, id="leading_without_punctuation"),
        pytest.param("3. sober 20 days now", 3, id="leading_then_other_numbers"),
        pytest.param("like a six and i keep thinking about it", 6, id="lead_words"),
        pytest.param("rough day, like a 7", 7, id="score_in_last_sentence"),
        pytest.param("6 pero ando bien", 6, id="es_leading"),
        pytest.param("2 kids sick", None, id="a_count_is_not_a_score"),
        pytest.param("3 hijos enfermos", None, id="es_count"),
        pytest.param("at 6:30", None, id="clock_time"),
        pytest.param("7.5", None, id="decimal"),
        pytest.param("7 7 7 7", None, id="many_numbers"),
        pytest.param("call me at 555 1234", None, id="phone_number"),
    ],
)
def test_score_found_anywhere_but_not_counts_or_times(text: str, expected: int | None) -> None:
    assert parse_score(text) == expected


def test_never_raises() -> None:
    assert parse_score("\ud800" * 10) is None
    assert parse_score("7 " * 100_000) is None
