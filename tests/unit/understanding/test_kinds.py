"""The kinds of message a clinic acts on (docs/kinds.md): each new signal with its tier and
urgency, in new words (not corpus lines), English and Spanish, with the look-alikes that must
stay unflagged. Rule names are checked by family (``<signal>.<name>.<lang>``)."""

from __future__ import annotations

import pytest

from notifier.understanding import Signal, classify


def _read(text: str, **kw: object) -> tuple[str, tuple[str, ...], bool]:
    r = classify(text, **kw)  # type: ignore[arg-type]
    return r.category, r.signals, r.urgent


# --- medical ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my uncle is having a seizure on the kitchen floor, he quit drinking monday",
        "im seeing spiders crawling on the ceiling and cant stop shaking, 3 days no booze",
        "she keeps talking to people who arent there and doesnt know where she is",
        "chest pain bad and my left arm is going numb",
        "i cant breathe right now",
        "throwing up blood since this morning",
        "a mi tio le dio una convulsion, dejo el trago el lunes",
        "estoy viendo bichos en el techo y tiemblo todo",
        "me duele muchisimo el pecho y el brazo izquierdo",
        "estoy vomitando sangre otra vez",
    ],
)
def test_a_medical_emergency_now_is_an_urgent_crisis_with_the_medical_signal(text: str) -> None:
    r = classify(text)
    assert (r.category, r.urgent) == ("crisis", True), r
    assert Signal.MEDICAL in r.signals
    assert r.urgent_evidence, "the words that made it urgent are kept"


@pytest.mark.parametrize(
    "text",
    [
        "dopesick since last night and cant keep anything down",
        "day 2 off the bottle, hands shaking and sweating through my shirt",
        "been puking all night from withdrawal",
        "estoy con la malilla y no paro de vomitar",
        "desde q deje de tomar tengo temblores y sudo frio",
    ],
)
def test_severe_withdrawal_without_danger_signs_is_concern_with_medical(text: str) -> None:
    category, signals, urgent = _read(text)
    assert (category, urgent) == ("concern", False)
    assert Signal.MEDICAL in signals


@pytest.mark.parametrize(
    "text",
    [
        "got a cold, my chest is a little congested",
        "my chest hurts after the gym lol",
        "im sick of this rain",
        "hungover and tired today",
        "me duele la cabeza, ya me tome algo",
        "I been shaking all morning from the coffee lol",
    ],
)
def test_everyday_bodies_are_not_medical(text: str) -> None:
    r = classify(text)
    assert r.category not in ("crisis", "concern") and Signal.MEDICAL not in r.signals, r


# --- violence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "im going to kill my brother in law when he gets back",
        "swear ill stab that dude next time i see him",
        "been having thoughts of hurting my girlfriend and it scares me",
        "lo voy a matar a ese tipo, ya no aguanto",
        "le voy a romper la cara a mi vecino con un tubo",
    ],
)
def test_intent_to_hurt_someone_else_is_crisis_with_violence(text: str) -> None:
    category, signals, _ = _read(text)
    assert category == "crisis"
    assert Signal.VIOLENCE in signals


@pytest.mark.parametrize(
    "text",
    [
        "got my knife and im going to his place right now",
        "tengo la pistola y voy pa su casa ahorita",
    ],
)
def test_a_weapon_in_hand_against_someone_now_is_urgent(text: str) -> None:
    category, signals, urgent = _read(text)
    assert (category, urgent) == ("crisis", True)
    assert Signal.VIOLENCE in signals


@pytest.mark.parametrize(
    "text",
    [
        "my mom is gonna kill me when she sees my grades",
        "i could kill my cousin he ate my fries lol",
        "we killed it at the talent show",
        "mi jefa me va a matar si llego tarde",
        "lo mato a mi hijo jaja se comio mi pastel",
    ],
)
def test_figures_of_speech_about_killing_are_not_violence(text: str) -> None:
    r = classify(text)
    assert r.category not in ("crisis", "concern") and Signal.VIOLENCE not in r.signals, r


# --- safety ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my boyfriend slapped me again last night",
        "he said if i go to group again hell kill me",
        "she takes my phone and wont let me leave the house",
        "mi novio me pego otra vez",
        "mi esposo dice q si lo dejo me mata",
    ],
)
def test_abuse_or_threats_at_home_are_concern_with_safety(text: str) -> None:
    category, signals, urgent = _read(text)
    assert (category, urgent) == ("concern", False)
    assert Signal.SAFETY in signals and Signal.VIOLENCE not in signals


@pytest.mark.parametrize(
    "text",
    [
        "hes hitting me right now, im locked in the bathroom",
        "he has a knife and is yelling hes going to kill me",
        "ahorita me esta golpeando, estoy escondida",
    ],
)
def test_being_attacked_now_is_an_urgent_crisis_with_safety(text: str) -> None:
    category, signals, urgent = _read(text)
    assert (category, urgent) == ("crisis", True)
    assert Signal.SAFETY in signals


def test_an_argument_without_harm_is_not_safety() -> None:
    r = classify("me and my husband argued about money again, just yelling")
    assert r.category == "free_text" and Signal.SAFETY not in r.signals


# --- medication, naloxone, pregnancy, life events, wrong number ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ran out of my suboxone and the doctor cant see me till friday",
        "the pharmacy wont fill my methadone script",
        "missed my dose today, no ride to the clinic",
        "se me acabo la buprenorfina y no me la quieren surtir",
        "perdi la receta de la metadona",
    ],
)
def test_treatment_medication_interrupted(text: str) -> None:
    assert Signal.MEDICATION in classify(text).signals


@pytest.mark.parametrize(
    "text", ["took my subs this morning like always", "se me acabo el saldo del cel"]
)
def test_medication_as_prescribed_or_other_things_running_out(text: str) -> None:
    assert Signal.MEDICATION not in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "need narcan for the house, my roommate is using again",
        "used my last narcan on my cousin, can i get another",
        "ocupo naloxona, la mia ya se vencio",
    ],
)
def test_needing_naloxone_is_the_naloxone_signal_not_an_emergency(text: str) -> None:
    r = classify(text)
    assert Signal.NALOXONE in r.signals
    assert r.category != "crisis" and not r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        "where can i buy narcan around here",
        "the narcan training last week was good",
        "cuanto cuesta la naloxona en la farmacia?",
    ],
)
def test_questions_about_naloxone_are_not_a_need(text: str) -> None:
    r = classify(text)
    assert Signal.NALOXONE not in r.signals and r.category != "crisis", r


@pytest.mark.parametrize(
    "text",
    [
        "i just found out im pregnant",
        "im 10 weeks pregnant, is methadone ok",
        "creo q estoy embarazada",
    ],
)
def test_pregnancy(text: str) -> None:
    assert Signal.PREGNANCY in classify(text).signals


@pytest.mark.parametrize("text", ["my sister is pregnant!!", "mi prima esta embarazada"])
def test_someone_elses_pregnancy_is_not_the_signal(text: str) -> None:
    assert Signal.PREGNANCY not in classify(text).signals


def test_pregnancy_with_use_carries_both() -> None:
    signals = classify("im pregnant and i drank last weekend").signals
    assert Signal.PREGNANCY in signals and Signal.USE in signals


@pytest.mark.parametrize(
    "text",
    [
        "my best friend died of an overdose on sunday",
        "we got evicted, sleeping in the car tonight",
        "cps took my son this afternoon",
        "got arrested over the weekend",
        "me corrieron del trabajo hoy",
        "se murio mi hermano anoche",
    ],
)
def test_serious_life_events(text: str) -> None:
    assert Signal.LIFE_EVENT in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "rough day at work, boss yelling",
        "my grandpa died years ago, thinking of him today",
        "my cousin got out of jail yesterday",
    ],
)
def test_everyday_stress_and_old_losses_are_not_life_events(text: str) -> None:
    assert Signal.LIFE_EVENT not in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        "wrong number",
        "this isnt denise's phone anymore, i got this number in june",
        "i dont know any kevin, who is this",
        "numero equivocado",
        "no conozco a ninguna Sandra",
    ],
)
def test_wrong_number(text: str) -> None:
    r = classify(text)
    assert Signal.WRONG_NUMBER in r.signals and r.category == "free_text", r


def test_wrong_number_with_stop_is_an_opt_out_carrying_the_signal() -> None:
    r = classify("STOP wrong number")
    assert r.category == "opt_out" and Signal.WRONG_NUMBER in r.signals


@pytest.mark.parametrize("text", ["wrong day sorry, i thought group was monday",
                                  "got a new number, this is it now"])  # fmt: skip
def test_wrong_number_look_alikes(text: str) -> None:
    assert Signal.WRONG_NUMBER not in classify(text).signals


# --- use: alone, indifference to dying, loss of tolerance, self-hatred after a lapse ----------


@pytest.mark.parametrize(
    "text",
    [
        "drinking by myself in my truck right now",
        "using alone in the bathroom rn, nobody home",
        "estoy tomando sola en mi cuarto ahorita",
    ],
)
def test_using_now_and_alone_is_concern_with_use(text: str) -> None:
    category, signals, _ = _read(text)
    assert category == "concern" and Signal.USE in signals


def test_using_alone_told_as_past_is_use_only() -> None:
    # The rules' reading. The model retrained in the twenty-second round raises this line to
    # concern (a same-day call: the safe side of the boundary); a veto for every past-dated
    # "alone" cost five dev lines, two of them recent attempts, and was not kept.
    r = classify("drank alone last night, not proud", backstop=False)
    assert r.category == "free_text" and Signal.USE in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "getting high tonight and idc if i wake up",
        "drinking till i pass out, if i dont wake up oh well",
        "me voy a meter todo y si no despierto ni modo",
    ],
)
def test_using_with_indifference_to_dying_is_crisis(text: str) -> None:
    assert classify(text).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "first time using in 4 months, last night",
        "got out of jail friday and already used",
        "the test strip lit up for fentanyl on what i bought",
        "despues de 8 meses limpio volvi a tomar",
    ],
)
def test_loss_of_tolerance_is_concern(text: str) -> None:
    assert classify(text).category == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "relapsed again, i hate myself",
        "used last night. im garbage, threw away 3 months",
        "volvi a consumir, me odio",
    ],
)
def test_self_hatred_after_a_lapse_is_concern_with_use(text: str) -> None:
    category, signals, _ = _read(text)
    assert category == "concern" and Signal.USE in signals


# --- suicide: every wish to be dead, intent, past near-attempts -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i wish i could fall asleep and never wake up",
        "some days i wish i was dead",
        "ojala no despertara mañana",
        "quisiera estar muerta",
    ],
)
def test_every_wish_to_be_dead_is_crisis(text: str) -> None:
    assert classify(text).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "i think i might actually act on it this time",
        "im going to go through with it",
        "creo que ahora si lo voy a hacer",
    ],
)
def test_intent_is_crisis(text: str) -> None:
    assert classify(text).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "nearly jumped off the parking garage on friday",
        "last weekend i had the rope ready and stopped",
        "anoche casi me tomo todas las pastillas",
        "el sabado intente colgarme",
    ],
)
def test_a_recent_near_attempt_told_in_the_past_is_crisis_not_urgent(text: str) -> None:
    category, _, urgent = _read(text)
    assert (category, urgent) == ("crisis", False)


# --- help after a crisis reply, and "help me" as a plea -----------------------------------------


@pytest.mark.parametrize("text", ["HELP", "help me", "AYUDA", "ayudame por favor", "help!!"])
def test_help_within_24_hours_of_a_risk_reply_is_crisis(text: str) -> None:
    r = classify(text, recent_risk=True)
    assert r.category == "crisis" and not r.urgent, r


@pytest.mark.parametrize("text", ["HELP", "AYUDA"])
def test_help_otherwise_is_the_keyword(text: str) -> None:
    assert classify(text).category == "help"


def test_help_me_as_a_plea_is_a_callback() -> None:
    r = classify("help me")
    assert Signal.CALLBACK in r.signals


def test_help_with_something_ordinary_after_risk_is_not_crisis() -> None:
    r = classify("can someone help me with my bus pass", recent_risk=True)
    assert r.category != "crisis"


# --- not ok, and asking to talk -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["not ok. can someone call", "me siento fatal, me pueden llamar?"])
def test_not_ok_and_asking_to_talk_is_concern_and_callback(text: str) -> None:
    category, signals, _ = _read(text)
    assert category == "concern" and Signal.CALLBACK in signals


# --- hyperbole, other people, media, everyday look-alikes ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i wanted to die of shame when i sneezed on the pastor lol",
        "me queria morir de la verguenza jajaja",
        "ugh kill me lol the bus is late again",
        "kms this paperwork 😂",
        "me quiero morir jaja deje las llaves en el carro",
    ],
)
def test_hyperbole_marked_by_laughter_or_shame_is_not_risk(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "my neighbor overdosed last year, they found him in the yard",
        "saw on the news 2 people od'd downtown",
        "heard theres a bad batch going around, people dropping",
        "group talked about overdose today, good session",
        "dicen en las noticias q hay pastillas malas, cuidense",
        "mi tio se suicido hace muchos anos",
        "watching a movie where the main guy overdoses",
    ],
)
def test_other_peoples_past_overdoses_news_and_group_topics_are_not_risk(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "stuck on the bridge in traffic, 10 min late",
        "last text from this number, new phone tomorrow",
        "giving my old clothes to the church rummage sale",
        "estoy en el puente, hay mucho trafico",
        "este es mi ultimo mensaje desde este cel, mañana cambio",
    ],
)
def test_everyday_bridges_new_phones_and_donations_are_not_crisis(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


# --- SMS shorthand -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i dont want 2 b alive anymore", "crisis"),
        ("evry1 wud b better off w/o me", "concern"),
        ("took 2 of my pills for my back", "free_text"),
        ("me odio x haber vuelto a usar, q asco", "concern"),
    ],
)
def test_sms_shorthand_is_read(text: str, category: str) -> None:
    assert classify(text).category == category
