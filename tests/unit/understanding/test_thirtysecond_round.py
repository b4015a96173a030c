"""The thirty-second round, from the misses of independent-76 read at 285f59b: the plea and the
thoughts that go on after a risk reply, the risk taken back after it, a death named after
"better off if i", joining the dead in heaven, the room moving while withdrawing, a plan beside
"won't be around to see it", voices that tell the client to hurt someone, a weapon fetched in
the next room, a weapon carried on the way, a word between "hoping" and "wake"; and the
everyday lines read as risk (a shift ending, a bridge under repair, a goodbye for a new job).
Each case is worded here."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "im still not ok. can you call me",
        "todavia no estoy bien, llamenme por favor",
    ],
)
def test_thirtysecond_round_distress_and_a_call_after_a_risk_reply_is_the_plea(text: str) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis" and "callback" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "can someone call me about my ride to group",
        "can the counselor call me today, i want to go over my safety plan",
    ],
)
def test_thirtysecond_round_an_errand_call_after_a_risk_reply_is_no_plea(text: str) -> None:
    assert classify(text, recent_risk=True).category != "crisis"


def test_thirtysecond_round_the_same_words_without_a_risk_reply_are_concern() -> None:
    assert classify("im still not ok. can you call me", backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "made it through the night. still thinking about doing it though",
        "aqui sigo, pero sigo pensando en hacerlo",
    ],
)
def test_thirtysecond_round_thoughts_still_there_after_a_risk_reply_are_crisis(text: str) -> None:
    r = classify(text, recent_risk=True, backstop=False)
    assert r.category == "crisis", r.rule


def test_thirtysecond_round_still_thinking_about_it_is_everyday_without_a_risk_reply() -> None:
    assert classify("still thinking about it, the job pays more", backstop=False).category == (
        "free_text"
    )


@pytest.mark.parametrize(
    "text",
    [
        "haha jk about all that yesterday, i was being dramatic",
        "era broma lo de anoche, estaba exagerando",
    ],
)
def test_thirtysecond_round_risk_taken_back_after_a_risk_reply_is_concern(text: str) -> None:
    assert classify(text, recent_risk=True, backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "my family would be better off if i just passed away",
        "i only want to go be with my brother in heaven",
        "nomas quiero irme con mi papa al cielo",
    ],
)
def test_thirtysecond_round_a_wish_to_be_dead_in_other_words_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "four days no liquor and the ceiling keeps breathing",
        "deje de tomar el lunes y las paredes se mueven",
    ],
)
def test_thirtysecond_round_the_room_moving_while_withdrawing_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r.rule


def test_thirtysecond_round_not_being_around_with_a_plan_is_crisis() -> None:
    r = classify("the baby is due in june. i wont be around to see her, got it figured out")
    assert r.category == "crisis", r.rule


def test_thirtysecond_round_not_being_around_for_work_is_everyday() -> None:
    r = classify("wont be around to see you tomorrow, working a double", backstop=False)
    assert r.category == "free_text", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "the voices keep telling me to hurt my cousin",
        "las voces me dicen que lastime a mi vecino",
    ],
)
def test_thirtysecond_round_voices_to_hurt_someone_are_harm_to_others(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and "violence" in r.signals, r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk"),
    [
        ("end of my shift finally, clocking out", False),
        ("estan reparando el puente, llegue tarde por eso", False),
        ("me despedi de la gente del rancho, me voy a trabajar a la ciudad", False),
        ("le regale el gato a mi tia porque nos mudamos a un depa chiquito", False),
        ("ya descanse un rato, mi prima se quedo conmigo", True),
    ],
)
def test_thirtysecond_round_everyday_lines_are_not_crisis(text: str, recent_risk: bool) -> None:
    assert classify(text, recent_risk=recent_risk).category not in ("crisis", "concern")


def test_thirtysecond_round_an_overdose_told_with_its_month_is_not_911_now() -> None:
    r = classify("i tried to overdose on purpose in april and nobody knew", backstop=False)
    assert not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "last time i drank was 2015, nine years sober now",
        "sone que estaba tomando otra vez, desperte asustada",
        "i dreamt i was using again and woke up sweating",
    ],
)
def test_thirtysecond_round_use_told_as_history_or_dreamed_is_no_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


def test_thirtysecond_round_me_and_a_friend_using_is_the_clients_use() -> None:
    r = classify("me and my cousin were drinking all night", backstop=False)
    assert "use" in r.signals, r.rule


def test_thirtysecond_round_someone_else_using_beside_me_is_not_the_clients_use() -> None:
    r = classify("my nephew stays with me and his dad still drinks", backstop=False)
    assert "use" not in r.signals, r.rule


@pytest.mark.parametrize(
    ("text", "recent_risk", "signal"),
    [
        (
            "he shoved me into the wall and now hes in the bedroom grabbing his pistol",
            False,
            "safety",
        ),
        ("ya voy con el cuchillo a buscarlo, se la voy a hacer pagar", False, "violence"),
        ("tengo el rifle en la troca y ya se lo que voy a hacer", False, None),
        ("took all my gabapentin with wine hoping i really dont wake up", False, None),
        ("estoy parado en el puente de la 10 y voy a saltar", False, None),
    ],
)
def test_thirtysecond_round_life_in_danger_now_is_911_first(
    text: str, recent_risk: bool, signal: str | None
) -> None:
    r = classify(text, recent_risk=recent_risk, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert signal is None or signal in r.signals, r.rule
