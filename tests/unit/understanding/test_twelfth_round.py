"""The twelfth round: families from independent-20's misses after its first read (the wording
here is written for the tests, not copied from the batch), each with its look-alikes."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        # Delirium tremens heard, not seen: voices and people who are not there.
        "hands shaking, sweating thru my shirt and i keep hearing people that aint here, "
        "no drink since friday",
        "oigo voces y tiemblo todo, deje el trago hace tres dias",
        # Coming off benzos without "the", confused about who she is.
        "my sister coming off xanax cold and she dont even know her own name right now",
        # A body in danger earlier today is still today: 911, not a later call.
        "threw up blood twice this morning since i quit the bottle",
        # A weapon readied in the home after a threat.
        "he said hed put me in the ground and now hes loading his rifle in the other room",
        # Naloxone given and the person still out.
        "gave him the narcan and hes still not coming around",
    ],
)
def test_twelfth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # Told as over, the next day, or fine now: a same-day call at most.
        "threw up blood last night, feel ok now",
        "had a seizure this morning, the ambulance came, im ok now",
        # Ordinary uses of the same words.
        "my dad is cleaning his rifle for hunting season",
        "hes still not coming to group lol",
        "she isnt coming back to work after the baby",
        "i hear voices in the hallway every night, these motel walls are thin",
    ],
)
def test_twelfth_round_look_alikes_are_not_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert not r.urgent, r.rule


@pytest.mark.parametrize(
    "text",
    [
        # Self-hatred after a lapse: who one is, a letdown, days gone.
        "drank again friday. i hate who i am",
        "im a letdown to everybody, relapsed and 90 days gone over one night",
        "recai otra vez, me siento re inutil",
        "no valgo nada, volvi a consumir el sabado",
        # Someone else in the client's place.
        "my kids would honestly be better off with my mom raising them",
        "they would be better off w their grandma and not me",
    ],
)
def test_twelfth_round_concern(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "my son is better with his dad on weekends and me on weekdays",
        "im happier with my new job than with the old one",
        "im a letdown at bowling lol",
    ],
)
def test_twelfth_round_everyday_comparisons_are_not_risk(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        # "we" counts the client in for use.
        "we did a line together in the parking lot",
        "we were drinking last night at his place",
        # Drinking and drugs told by the bottle, the pour, the amount, the slang.
        "working on a fifth by myself",
        "pouring myself another shot",
        "did a whole 30 last night",
        "slammed some tina after work",
        "im on something rn cant think",
        "kinda tipsy at the cookout",
        "ando metiendome sola en el bano del trabajo",
        "me tome dos clonazepam de mi tia para dormir",
    ],
)
def test_twelfth_round_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "they were drinking and we left",
        "im on my fifth day clean",
        "pouring shots all night at work, tips were good",
        "we talked about relapse in group",
        "ando metiendome en problemas con mi jefe",
        "se murio la bateria de mi celular",
    ],
)
def test_twelfth_round_not_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize("text", ["💊😭", "💊", "🔫🔫"])
def test_twelfth_round_a_means_sent_as_emoji_alone_is_read_by_a_person(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


@pytest.mark.parametrize("text", ["😂💀", "💊 at 9 like the nurse said, all good"])
def test_twelfth_round_other_emoji_are_not_risk(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


def test_twelfth_round_laughter_stops_the_urgent_model_as_it_stops_urgent_rules() -> None:
    # The wildfire-smoke family: breathing words beside laughter. With the model on, the
    # reply may be read as anything but 911 first.
    r = classify("the smoke outside is so thick i can barely breathe lol, whole town coughing")
    assert not r.urgent, r.rule
