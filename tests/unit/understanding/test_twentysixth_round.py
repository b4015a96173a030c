"""The twenty-sixth round: the hardest misses of independent-56 that a rule can read (the
wording here is written for the tests, not copied from the batch), each with look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "hes smashing everything in the kitchen and says hes gonna kill me, im hiding with my son",
        "she is throwing stuff and screaming shes going to kill us",
        "esta quebrando todo y dice que me va a matar, estoy escondida con mis hijos",
        "estamos escondidos con los ninos, el esta aventando todo",
    ],
)
def test_twentysixth_round_hiding_from_a_rampage_with_a_threat_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "safety" in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "the kids are throwing stuff everywhere lol",
        "my son is breaking everything he touches, toddlers man",
        "jugando a las escondidas con los ninos en el parque",
    ],
)
def test_twentysixth_round_everyday_mess_and_hide_and_seek_stay_everyday(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "ya tengo todo listo, despues del grupo me voy a colgar",
        "got everything ready, gonna hang myself after work",
    ],
)
def test_twentysixth_round_a_method_said_with_preparations_done_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "got the pipe and a torch right here and i dont care if i wake up",
        "tengo la botella aqui conmigo y no me importa si no despierto",
    ],
)
def test_twentysixth_round_indifference_to_dying_with_the_means_at_hand_is_911_first(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule


def test_twentysixth_round_indifference_without_means_at_hand_is_crisis_not_911() -> None:
    r = classify("dont care if i wake up tomorrow honestly", backstop=False)
    assert r.category == "crisis" and not r.urgent


@pytest.mark.parametrize(
    "text", ["they let me go home and i still have the rope", "ya me dejaron salir y tengo la soga"]
)
def test_twentysixth_round_the_means_still_at_hand_after_a_crisis_reply_is_911_first(
    text: str,
) -> None:
    r = classify(text, backstop=False, recent_risk=True)
    assert r.category == "crisis" and r.urgent, r.rule


def test_twentysixth_round_a_rope_without_a_crisis_reply_is_everyday() -> None:
    assert classify("i have the rope for the boat, see u at 6", backstop=False).category not in (
        "crisis",
        "concern",
    )


@pytest.mark.parametrize(
    "text",
    [
        "hace 3 meses que no tomaba y hoy me tome unas cervezas",
        "recai al salir del anexo, fume ayer",
        "relapsed after i got out of the 28 day program, used saturday",
    ],
)
def test_twentysixth_round_use_after_months_off_or_after_treatment_is_tolerance_loss(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and "use" in r.signals, r.rule


def test_twentysixth_round_a_friend_better_off_drowned_is_a_friend_at_risk() -> None:
    r = classify("my deckmate keeps saying hed be better off drowned", backstop=False)
    assert r.category == "concern"


@pytest.mark.parametrize("text", ["porfavor ayuda", "porfa ayudenme", "plz help"])
def test_twentysixth_round_a_plea_spelled_as_texted_after_a_crisis_reply_is_crisis(
    text: str,
) -> None:
    assert classify(text, backstop=False, recent_risk=True).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "ive overdosed 3 times over the years, group made me think",
        "a lo largo de los anos tuve 3 sobredosis, hoy hablamos de eso en el grupo",
    ],
)
def test_twentysixth_round_overdoses_over_the_years_are_history_not_911(text: str) -> None:
    r = classify(text, backstop=False)
    assert not r.urgent and r.category != "crisis", r.rule


@pytest.mark.parametrize(
    "text",
    [
        "yeah im safe, my uncle is holding on to the pills now",
        "mi hermano se llevo las pastillas y el cuchillo, ya estoy con el",
        "my sister locked up my meds and took my keys, ill be ok",
    ],
)
def test_twentysixth_round_means_handed_to_someone_after_a_crisis_reply_are_no_new_crisis(
    text: str,
) -> None:
    r = classify(text, recent_risk=True)
    assert r.category != "crisis", r.rule


def test_twentysixth_round_someone_else_taking_the_pills_into_their_body_is_still_911() -> None:
    r = classify("my brother took all the pills and hes not breathing", recent_risk=True)
    assert r.category == "crisis" and r.urgent


def test_twentysixth_round_smoking_blues_alone_in_the_trailer_is_use_and_using_alone() -> None:
    r = classify("toy fumando las azules solita en la traila", backstop=False)
    assert r.category == "concern" and "use" in r.signals, r.rule


@pytest.mark.parametrize("text", ["he recaido otra vez", "me odio por haber recaido"])
def test_twentysixth_round_a_relapse_told_with_the_participle_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


def test_twentysixth_round_no_relapse_is_no_use() -> None:
    assert "use" not in classify("no he recaido, 40 dias limpia", backstop=False).signals
