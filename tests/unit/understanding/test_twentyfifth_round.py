"""The twenty-fifth round: the hardest misses of independent-54 that a rule can read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "its all set up in the shed. tonight when everybody sleeps",
        "got everything ready in the basement, goodbye",
        "everything is laid out in the closet, wrote a letter for my kids",
        "ya tengo todo listo aqui, les deje una carta a mis hijos",
        "tengo todo preparado en la cochera. adios",
    ],
)
def test_twentyfifth_round_preparations_done_with_a_farewell_or_a_time_hours_away_is_911_first(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "got everything ready in the garage for the yard sale tonight",
        "everything set up in the shed, goodbye summer lol",
        "tengo todo listo aqui para la fiesta, adios al rato los veo",
        "tengo todo listo en la troca para el viaje, adios pues",
    ],
)
def test_twentyfifth_round_everyday_preparations_stay_everyday(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "they would all be better off if i just packed up my stuff and disappeared",
        "my kids would be better off if i moved back to the reservation and vanished",
    ],
)
def test_twentyfifth_round_better_off_if_i_disappeared_after_a_clause_is_a_burden(
    text: str,
) -> None:
    assert classify(text, backstop=False).category in ("crisis", "concern")


@pytest.mark.parametrize(
    "text", ["estoy embarazada y no se ni para que sigo", "ya ni se para que sigo aqui"]
)
def test_twentyfifth_round_ni_inside_no_se_para_que_sigo_is_still_hopelessness(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "keep thinking about my uncles shotgun in the hall closet, how easy it would be",
        "cant stop thinking about my dads pistol in his nightstand",
        "sigo pensando en la pistola de mi papa, que facil seria",
    ],
)
def test_twentyfifth_round_thinking_about_someone_elses_gun_is_the_clients_method(
    text: str,
) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "my dads rifle is in the closet, he hunts every fall",
        "mi papa tiene una pistola en el cajon",
    ],
)
def test_twentyfifth_round_someone_elses_gun_told_as_a_fact_is_no_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "desde el funeral tomo todos los dias, ahorita estoy sola con la botella",
        "its just me and the bottle tonight",
    ],
)
def test_twentyfifth_round_alone_with_the_bottle_is_using_alone(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and "use" in r.signals, r.rule


def test_twentyfifth_round_alone_with_a_bottle_of_water_is_everyday() -> None:
    assert (
        classify("aqui sola con la botella de agua esperando el bus", backstop=False).category
        == "free_text"
    )


@pytest.mark.parametrize(
    "text",
    [
        # An overdose on its anniversary is history ([context] anniversary).
        "3 yrs ago today i od'd at a rest stop. grateful to be here",
        "a year ago today i overdosed in my car, still here",
        "hoy hace 4 anos me dio una sobredosis en el bano, gracias a dios sigo aqui",
        # Counted overdoses of others this week are news.
        "did you hear? 4 people od'd this week on the east side, bad batch",
        "two guys overdosed at the shelter this week, scary",
        # Numb with grief is no overdose sign.
        "my brother took his own life sunday. im ok, just numb",
        "since the funeral i feel emotionally numb",
    ],
)
def test_twentyfifth_round_overdose_words_told_as_past_news_or_grief_are_not_911(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert not r.urgent and r.category != "crisis", r.rule


def test_twentyfifth_round_an_overdose_today_after_years_is_still_911() -> None:
    r = classify("clean 5 years and today i overdosed, hes giving me narcan", backstop=False)
    assert r.category == "crisis" and r.urgent


def test_twentyfifth_round_overdoses_this_week_are_not_911() -> None:
    # "esta semana" dates it before now; whose they were stays open (a crisis, read by a
    # person), because "hubo" also opens an emergency here and now (next test).
    assert not classify("hubo 3 sobredosis esta semana en el barrio", backstop=False).urgent


def test_twentyfifth_round_an_overdose_in_the_house_now_stays_911() -> None:
    r = classify("hubo una sobredosis aqui en la casa y no respira", backstop=False)
    assert r.category == "crisis" and r.urgent


def test_twentyfifth_round_numb_after_pills_is_still_911() -> None:
    r = classify("took a bunch of his pills and now my whole body is numb", backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text", ["please call 911 hes got the bat", "can you call an ambulance for my mom"]
)
def test_twentyfifth_round_asking_for_911_is_no_call_back(text: str) -> None:
    assert "callback" not in classify(text, backstop=False).signals


def test_twentyfifth_round_a_call_back_beside_911_is_still_one() -> None:
    assert "callback" in classify("call 911 for him and then call me", backstop=False).signals


def test_twentyfifth_round_a_call_back_declined_is_none_inside_a_longer_denial() -> None:
    r = classify("no necesito que me llamen tanto, ya estoy mejor", backstop=False)
    assert "callback" not in r.signals


def test_twentyfifth_round_a_denial_does_not_hide_a_wish_inside_it() -> None:
    assert classify("wouldnt care if i died in my sleep", backstop=False).category == "crisis"


def test_twentyfifth_round_thanks_for_a_talk_that_helped_is_no_call_back() -> None:
    r = classify(
        "gracias por llamar, me ayudo hablar con alguien", backstop=False, recent_risk=True
    )
    assert "callback" not in r.signals


def test_twentyfifth_round_cant_go_on_is_concern_by_the_rules_and_the_model_only_raises() -> None:
    # The model retrained in the twenty-fifth round raised the bare line to crisis over
    # concern.ambiguous (README: crisis when unsure); the one of the twenty-eighth does not.
    # Either way the rules read concern, and the model may only raise.
    assert classify("i cant go on like this", backstop=False).category == "concern"
    assert classify("i cant go on like this").category in ("concern", "crisis")
