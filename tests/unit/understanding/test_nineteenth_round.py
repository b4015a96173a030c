"""The nineteenth round: families from independent-34's misses after its first read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "you wont talk me out of it this time",
        "ur not gonna change my mind this time. nobody can stop me",
        "my mind is made up. thanks for trying",
        "no me van a convencer esta vez",
        "ya lo decidi. no insistan",
    ],
)
def test_nineteenth_round_intent_held_after_a_crisis_reply_is_crisis(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my mind is made up, im coming to group thursday",
        "you wont talk me out of the tattoo lol",
        "ya lo decidi, voy a ir al grupo el martes",
    ],
)
def test_nineteenth_round_a_decision_about_everyday_things_is_no_intent(text: str) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        # Following someone's suicide; a life-insurance payout weighed against living.
        "my uncle shot himself in march and i keep thinking i should go the same way",
        "mi hermano se quito la vida y pienso que yo deberia irme igual",
        "honestly my kids would be better off with the life insurance than with me",
        "mi familia estaria mejor con el dinero del seguro que conmigo",
        # A planned overdose of what was gathered, tonight.
        "been saving my moms oxys for weeks and tonight im taking all of them at once",
        "voy a tomarme todas las pastillas de una vez esta noche",
    ],
)
def test_nineteenth_round_ideation_plan_and_preparation_are_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "my brother went the same way to the store lol",
        "we should go the same way as last time, the highway is closed",
        "finally got life insurance through work, better than nothing",
        "took all of my vitamins at once this morning",
    ],
)
def test_nineteenth_round_look_alikes_are_no_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "not suicidal. just numb, everything is gray",
        "the whole week has been grey and cold",
        "drank the whole bottle my boss gave me for christmas. i hate myself",
    ],
)
def test_nineteenth_round_a_grey_mood_or_a_bottle_drunk_is_no_911(text: str) -> None:
    assert not classify(text, backstop=False).urgent


def test_nineteenth_round_a_bottle_drunk_is_use() -> None:
    r = classify("drank the whole bottle my boss gave me for christmas", backstop=False)
    assert "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "his face is gray and he wont wake up",
        "drank the whole bottle of nyquil and my heart is racing",
    ],
)
def test_nineteenth_round_a_grey_face_or_a_bottle_of_medicine_stays_911(text: str) -> None:
    assert classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        "guy from my old crew passed saturday, people saying it was an od. still cant believe it",
        "my neighbor said some dude od'd behind the laundromat, crazy",
        "que calor tan horrible, me estoy muriendo. igual voy al grupo",
    ],
)
def test_nineteenth_round_news_of_an_overdose_and_heat_are_no_overdose_now(text: str) -> None:
    assert classify(text).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "somebody overdosed in the bathroom here and hes not breathing",
        "me estoy muriendo, me meti demasiado y no puedo respirar",
    ],
)
def test_nineteenth_round_an_overdose_before_your_eyes_stays_crisis(text: str) -> None:
    assert classify(text).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "warming up the truck, its 2 degrees. leaving in 10",
        "motor running in the driveway so the car gets warm, then heading over",
        "tire los frascos viejos de pastillas a la basura como dijo la enfermera",
        "flushed my old pain pills like the pharmacist said",
    ],
)
def test_nineteenth_round_an_engine_warmed_or_pills_thrown_away_is_everyday(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


def test_nineteenth_round_a_wrong_number_reads_no_risk_from_the_model() -> None:
    r = classify("i told you already, this is not Marcus phone. stop", opted_out=True)
    assert r.category not in ("crisis", "concern"), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "tengo una tembladera desde que deje el guaro el sabado, no puedo ni comer",
        "me agarro la temblorina desde que deje de tomar, sudando tremendo",
    ],
)
def test_nineteenth_round_withdrawal_told_by_the_shakes_is_same_day(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("concern", False), r.rule
    assert "medical" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "took everything in my medicine cabinet 10 minutes ago",
        "i took the leftover oxys from my dads surgery, every single one",
    ],
)
def test_nineteenth_round_pills_taken_all_at_once_are_crisis_and_use(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis", r.rule
    assert "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "6. drinking now, by myself",
        "like 4 beers in already",
        "just me and a bottle tonight",
        "working on finishing this case alone on the porch",
        "ando bien bolo aqui solo",
        "estoy pisteando solito en el cuarto",
    ],
)
def test_nineteenth_round_drinking_told_in_progress_is_use(text: str) -> None:
    r = classify(text, open_prompts=("checkin",))
    assert "use" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "drinking water now, staying hydrated",
        "4 hours in at the plant already",
        "just me and my coffee tonight",
        "bought a case of water for the house",
        "mi primo anda bolo otra vez, que pena",
    ],
)
def test_nineteenth_round_drinking_look_alikes_are_no_use(text: str) -> None:
    assert "use" not in classify(text).signals


@pytest.mark.parametrize("text", ["sorry. took it all", "ya me lo tome todo"])
def test_nineteenth_round_taken_as_said_after_a_crisis_reply_is_911_first_and_use(
    text: str,
) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert (r.category, r.urgent) == ("crisis", True), r.rule
    assert "use" in r.signals, r.rule


def test_nineteenth_round_a_bare_act_after_a_crisis_reply_is_no_use() -> None:
    r = classify("i did it", backstop=False, recent_risk=True)
    assert (r.category, r.urgent) == ("crisis", True), r.rule
    assert "use" not in r.signals
