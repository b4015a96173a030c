"""The fortieth round, from the misses of independent-95 read at 5df5f6f: an overdose under way
told by a heavy body and eyes that will not stay open; a weapon in hand with the threat later
in the message (es); a threat to kill with its condition after it (es); a wish not to exist told
as "easier"; "i need someone" said last; a step-9 letter and a newspaper report kept from
crisis. Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


def test_fortieth_round_an_overdose_under_way_told_by_the_body_is_911_first() -> None:
    r = classify("popped 2 of those bars from my cousin, body feels so heavy, alone rn")
    assert r.category == "crisis" and r.urgent, r.rule


def test_fortieth_round_a_weapon_in_hand_with_the_threat_later_is_911_first() -> None:
    r = classify(
        "traigo la pistola en la mano, ya se donde vive ese cabron, hoy si lo mato",
        backstop=False,
    )
    assert r.category == "crisis" and r.urgent and "violence" in r.signals, r.rule


def test_fortieth_round_a_threat_with_its_condition_after_is_violence() -> None:
    r = classify("lo mato si vuelve a tocar a mi hija", backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule


def test_fortieth_round_a_wish_not_to_exist_told_as_easier_is_crisis() -> None:
    r = classify("honestly it would be simpler if i never existed", backstop=False)
    assert r.category == "crisis", r.rule


def test_fortieth_round_i_need_someone_said_last_asks_for_a_person() -> None:
    r = classify("relapsed hard this weekend and i need someone", backstop=False)
    assert "callback" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "working on my step 9 letter to my brother tonight",
        "salio en el periodico que hubo dos sobredosis en el centro",
    ],
)
def test_fortieth_round_everyday_lines_are_not_crisis(text: str) -> None:
    r = classify(text)
    assert r.category != "crisis" and not r.urgent, r.rule
