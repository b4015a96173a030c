"""The thirty-eighth round, on the use misses and a few risk misses of independent-76 to -90
(dev): brought back with naloxone is the client's own use, also when someone else gave it (the
match names the client: "my friend had to narcan me"); the time since stopping is abstinence,
not a lapse; the person looked for is someone else (a wrong number); "permanently" after an
ambiguous wish to get out is intent; dying of delight is hyperbole (es). Each case is worded
here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "came to on the kitchen floor, my roommate had to narcan me twice",
        "me desperte en el carro, mi primo me puso narcan, todavia ando mareado",
        "at the ER, they gave me narcan in the ambulance",
    ],
)
def test_thirtyeighth_round_revived_with_naloxone_is_the_clients_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and "use" in r.signals, r.rule


def test_thirtyeighth_round_a_friend_revived_is_not_the_clients_use() -> None:
    r = classify("my friend went out at the party and we had to narcan him", backstop=False)
    assert "use" not in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "been sweating and shaky ever since i stopped drinking",
        "lost 15 pounds after i quit drinking, feeling good",
    ],
)
def test_thirtyeighth_round_the_time_since_stopping_is_not_a_lapse(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


def test_thirtyeighth_round_drinking_again_since_quitting_is_still_use() -> None:
    r = classify("drank last night for the first time since i quit in march", backstop=False)
    assert "use" in r.signals, r.rule


def test_thirtyeighth_round_looking_for_someone_else_is_a_wrong_number() -> None:
    r = classify("no idea who you are trying to reach, this is a work phone")
    assert "wrong_number" in r.signals and r.category not in ("crisis", "concern"), r.rule


def test_thirtyeighth_round_permanently_after_wanting_out_is_crisis() -> None:
    r = classify("i just want out. permanently, all of it", backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtyeighth_round_stuck_forever_stays_concern() -> None:
    r = classify("feel stuck in this town forever, no way out", backstop=False)
    assert r.category == "concern", r.rule


def test_thirtyeighth_round_dying_of_delight_is_hyperbole() -> None:
    r = classify("me quiero morir de lo bonito que canto mi hija en la iglesia", backstop=False)
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "ive been stashing my meds for weeks and tonight is when",
        "estoy en la troca en la cochera con todo listo, perdonenme",
        "me corte otra vez y fue profundo, no para de sangrar",
    ],
)
def test_thirtyeighth_round_means_ready_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_thirtyeighth_round_pills_saved_for_a_while_stay_crisis_without_911_first() -> None:
    r = classify("been saving up my pills for a while now, just in case", backstop=False)
    assert r.category == "crisis" and not r.urgent, r.rule


@pytest.mark.parametrize(
    "text", ["my pills are right here next to the bed", "yeah. i still want to go"]
)
def test_thirtyeighth_round_the_means_or_the_wish_still_there_after_a_risk_reply(
    text: str,
) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis", r.rule
