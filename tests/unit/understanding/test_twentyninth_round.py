"""The twenty-ninth round, from the misses of independent-64: a chest pain or a fall inside a
withdrawal, a threat to kill with the man at the door, someone else arming himself to shoot
someone, a farewell recorded for the children, dying as relief for the family, indifference
to waking up; and the everyday lines that read as danger (a garden killed by a storm, a match
lost, "lol i wanted to die when", the cause of a death told after it). Each case is worded
here, not copied from the corpus."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A split alternation never matched "dolor de pecho" (it read "dolor en de pecho").
        ("tengo dolor de pecho y escalofrios desde que deje la botella", "medical"),
        ("sudando y con dolor de pecho, ya van dos dias sin tomar", "medical"),
        # A fall, or a fit felt coming on, while withdrawing.
        ("quit the benzos friday and i already collapsed once in the shower", "medical"),
        ("off the booze 3 days, feel a seizure coming on", "medical"),
        ("ya me desmaye una vez en la cocina desde que deje el trago", "medical"),
        # A threat to kill with the man at the door, or the writer locked in.
        ("dice que me va a matar con la pistola y esta afuera en la sala", "safety"),
        ("me tienen encerrada en el cuarto y el dice que hoy me va a matar", "safety"),
        ("he says hell stab me with the knife, hes outside the bedroom door", "safety"),
    ],
)
def test_twentyninth_round_911_first_with_its_kind(text: str, kind: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and kind in r.signals, r.rule


@pytest.mark.parametrize(
    "text",
    [
        "my neighbor grabbed his shotgun and keeps yelling hes gonna shoot the landlord",
        "mi tio esta cargando la escopeta y dice que va a matar al vecino",
    ],
)
def test_twentyninth_round_someone_else_arming_to_kill_is_911_first(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert r.rule.startswith("crisis.someone_armed_now")
    assert "violence" not in r.signals  # not the client's own intent: no duty-to-warn call


def test_twentyninth_round_a_threat_against_the_client_stays_danger_at_home() -> None:
    r = classify("he has the bat and says hes gonna kill me", backstop=False)
    assert r.rule == "crisis.danger_at_home.en" and r.urgent and "safety" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "my cousin loaded his rifle to go shoot deer this weekend",
        "mi papa saco la escopeta para matar culebras en el patio",
    ],
)
def test_twentyninth_round_hunting_is_not_someone_armed_to_kill(text: str) -> None:
    # (A rifle "loaded" by someone else still wakes crisis.means_in_hand in English: an older
    # rule's reading, left as it is this round.)
    assert not classify(text, backstop=False).rule.startswith("crisis.someone_armed_now")


@pytest.mark.parametrize(
    "text",
    [
        "recorded a goodbye video for my daughters last night",
        "my farewell message is scheduled to send sunday morning",
        "deje un video de despedida para mis hijos en el telefono",
    ],
)
def test_twentyninth_round_a_recorded_farewell_is_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_twentyninth_round_a_goodbye_video_for_a_coworker_is_everyday() -> None:
    assert (
        classify("made a goodbye video for my coworker who is retiring", backstop=False).category
        == "free_text"
    )


@pytest.mark.parametrize(
    "text",
    [
        "mejor me muero y asi descansan todos de mi",
        "it would be better if i just died so nobody has to deal with me",
    ],
)
def test_twentyninth_round_dying_as_relief_for_others_is_a_wish_to_be_dead(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


def test_twentyninth_round_indifference_to_waking_is_crisis() -> None:
    r = classify("me la estoy tomando sola y me da igual si despierto o no", backstop=False)
    assert r.category == "crisis" and r.rule.startswith("crisis.lethal_use")


def test_twentyninth_round_tonight_is_it_beside_the_means_is_911_first() -> None:
    r = classify("had the pills lined up already. tonight is the night", backstop=False)
    assert r.category == "crisis" and r.urgent


def test_twentyninth_round_not_tonight_is_not_911_first() -> None:
    r = classify("looked up how many it would take. not doing it tonight", backstop=False)
    assert not r.urgent


@pytest.mark.parametrize(
    "text",
    [
        "this heat about to kill my tomatoes",
        "el juego de anoche me mato, perdimos en el ultimo minuto",
        "lol i wanted to die when my kid told the cashier my age",
    ],
)
def test_twentyninth_round_hyperbole_and_things_are_everyday(text: str) -> None:
    assert classify(text, backstop=False).category == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        "my nephew passed sunday. overdose.",
        "my best friend died last night. fentanyl.",
    ],
)
def test_twentyninth_round_the_cause_of_a_death_told_after_it_is_no_overdose_now(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category != "crisis" and "life_event" in r.signals, r.rule


def test_twentyninth_round_the_clients_own_overdose_after_a_death_is_still_911() -> None:
    r = classify("my nephew passed sunday. took all my pills", backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        "been up 3 days on meth and hearing voices through the vents",
        "estoy bien deprimida, no salgo de la cama",
        "my boyfriend yanked my hair out last weekend",
    ],
)
def test_twentyninth_round_concern_families(text: str) -> None:
    assert classify(text, backstop=False).category == "concern"


def test_twentyninth_round_no_confio_en_mi_with_old_friends_stays_everyday() -> None:
    assert classify("no confio en mi con mis viejos amigos", backstop=False).category == "free_text"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("they changed my dose time and i work nights, im going to miss my doses", "medication"),
        ("somebody broke into my car and my take homes got stolen", "medication"),
        ("en la clinica no me quisieron dar mi dosis hoy", "medication"),
        ("se me perdieron las tiras de suboxone en el trabajo", "medication"),
        ("bring a narcan kit to group please, mine got stolen", "naloxone"),
        ("we buried him tuesday, my cousin", "life_event"),
        ("a mi hermano lo tienen detenido por inmigracion", "life_event"),
        ("the foreman said no more work for me after friday", "life_event"),
    ],
)
def test_twentyninth_round_kinds(text: str, signal: str) -> None:
    assert signal in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "went to a funeral today for a man from my church",
        "just got out of county tuesday",
    ],
)
def test_twentyninth_round_a_funeral_not_of_someone_close_and_a_release_are_no_life_event(
    text: str,
) -> None:
    assert "life_event" not in classify(text, backstop=False).signals


def test_twentyninth_round_a_threat_told_as_said_is_abuse_at_home() -> None:
    r = classify("my stepdad told me hed break my arm if i come home late", backstop=False)
    assert r.category == "concern" and "safety" in r.signals


def test_twentyninth_round_the_door_broken_down_with_a_bat_is_911_first() -> None:
    r = classify("he kicked the door in with a bat, hiding in the bathroom", backstop=False)
    assert r.category == "crisis" and r.urgent and "safety" in r.signals
