"""The twentieth round: families from independent-36's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "i aint used, just a bad dream",
        "i aint suicidal, just worn out",
    ],
)
def test_twentieth_round_aint_negates(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category != "crisis" and "use" not in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "grabbed my rifle and im parked outside his house right now",
        "traigo el machete y voy a buscarlo ahorita",
        "tengo la soga en el garaje, ya me voy a despedir",
    ],
)
def test_twentieth_round_a_weapon_or_means_at_hand_now_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "i will hurt him if he touches my sister again, i keep a bat by the door",
        "my son quit the xanax friday and now hes seizing on the floor",
    ],
)
def test_twentieth_round_look_alikes_keep_their_reading(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis", r.rule


def test_twentieth_round_a_bat_kept_at_home_is_no_911() -> None:
    r = classify("i will hurt him if he touches my sister again, i keep a bat by the door")
    assert not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "gave my pistol to my uncle to hold onto for a while like yall said",
        "le di mis pastillas a mi hermana para que me las guarde",
    ],
)
def test_twentieth_round_means_handed_over_is_no_farewell(text: str) -> None:
    assert classify(text, backstop=False, recent_risk=True).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "im on subs, is that gonna hurt the baby?",
        "cant make it thursday, we burying my cousin, overdose",
        "si se muere de una sobredosis dice que ni le importa, me tiene preocupada mi primo",
    ],
)
def test_twentieth_round_a_question_or_news_is_no_crisis(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "im so sorry, i drank again, im by myself",
        "perdon, estoy tomando otra vez solo",
    ],
)
def test_twentieth_round_a_lapse_told_with_sorry_is_no_farewell(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert not r.urgent, r.rule
    assert "use" in r.signals


@pytest.mark.parametrize(
    "text",
    ["please i need to talk to someone real bad", "necesito hablar con alguien ya por favor"],
)
def test_twentieth_round_a_call_begged_after_a_crisis_reply_is_the_plea(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis" and "callback" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my boyfriend said if i leave him hes gonna kill me",
        "mi novio me dejo morado el ojo anoche",
        "mi esposo me tiene encerrada en la casa",
    ],
)
def test_twentieth_round_abuse_at_home_told_is_same_day_safety(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("concern", False), r.rule
    assert "safety" in r.signals


def test_twentieth_round_a_threat_with_a_weapon_just_now_is_911_first() -> None:
    r = classify("me acaba de amenazar con un cuchillo, estoy en el bano escondida", backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "hung out with the old crew saturday and you know how that goes",
        "me fui con los de antes el viernes y ya sabes como termina eso",
        "burned through half a gram this weekend",
        "the blues ive been taking came up positive on the strip",
        "been snorting my subs instead of taking them right",
        "at a motel by myself with a bag",
        "me meti mucha loquera anoche",
        "took 2 roxies at work",
    ],
)
def test_twentieth_round_use_told_sideways_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "the baby is teething and you know how that goes",
        "saw my old crew at the game, you know, just said hi",
        "mi cunado anduvo tomando todo el fin, yo nomas tome coca cola",
        "mi compa llego crudo al trabajo",
        "by myself with a bag of chips watching the game",
    ],
)
def test_twentieth_round_use_look_alikes_are_no_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    ["gracias por llamarme anoche, ya estoy mejor", "he is hitting me please call the police"],
)
def test_twentieth_round_thanks_for_a_call_or_a_call_to_911_is_no_callback(text: str) -> None:
    assert "callback" not in classify(text, backstop=False).signals


@pytest.mark.parametrize("text", ["please call me", "llamenme por favor"])
def test_twentieth_round_a_call_asked_for_stays_callback(text: str) -> None:
    assert "callback" in classify(text, backstop=False).signals


def test_twentieth_round_a_craving_for_the_hidden_bottle_is_no_crisis() -> None:
    r = classify("cravings are bad, I keep thinking about the bottle under the sink")
    assert r.category != "crisis", r.rule


def test_twentieth_round_a_craving_beside_a_wish_to_die_stays_crisis() -> None:
    r = classify("cravings are bad, I keep thinking about the bottle, I want to die")
    assert r.category == "crisis", r.rule
