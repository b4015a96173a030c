"""Four life-in-danger families mended after final-18 was read (the wording here is written
for the tests, not copied from any batch): a seizure just now after running out of a benzo
(missed in three batches), beating on the door with a weapon, delirium tremens told in
Spanish, and an overdose's throat and sight told in Spanish. Each with a look-alike."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "ran out of my xanax friday and i just had what felt like a seizure in the shower",
        "hes out there banging on my window with a bat yelling hes gonna kill me",
        "mi papa dejo de tomar hace 4 dias, esta temblando y ya no me reconoce",
        "me meti algo hace rato y se me esta cerrando la garganta",
    ],
)
def test_after_the_final_read_life_in_danger_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "ran out of my xanax friday, had a seizure back in 2019 when that happened, ok now",
        "he was banging on the door last week with a bat, he moved out since",
    ],
)
def test_after_the_final_read_the_same_told_as_past_is_no_911(text: str) -> None:
    assert not classify(text, backstop=False).urgent
