"""Rule families added from the fourth author's batch (as tuning data) and the dev misses: each
is tried on wording written for this test, never taken from the corpus, in English and Spanish.
"""

from __future__ import annotations

import pytest

from notifier.understanding import classify


def _read(text: str) -> tuple[str, str]:
    r = classify(text)
    return r.category, r.rule.rsplit(".", 1)[0]


@pytest.mark.parametrize(
    "text",
    [
        # A first-person subject inside the match makes it the client's, whoever came before.
        "honestly my whole family would be better off if i was dead",
        "los de mi casa estarian mejor si yo me muero",
        # The client's own thoughts or voices telling them to die.
        "my head keeps saying to kill myself",
        "los pensamientos me dicen que me muera",
        # Past near-attempts, interrupted or aborted.
        "saturday i sat on the ledge of the parking deck until a cop talked me down",
        "el lunes fui a la azotea para aventarme pero me bajo mi vecino",
        # Searching how much would kill.
        "i looked up how many sleeping pills would kill me",
        "anoche busque cuantas pastillas pa morir",
        # A wish to die by an accident (C-SSRS question 1).
        "hoping a semi hits me on the interstate tonight",
        "ojala me atropelle un camion mañana",
    ],
)
def test_crisis_families(text: str) -> None:
    assert _read(text)[0] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Burden with the client as object.
        "my husband would have a calmer life without me",
        "mis papas estarian en paz sin mi",
        "my daughter deserves better than a dad like me",
        # Hopelessness, and an anniversary of a suicide.
        "no way out of this hole i dug",
        "my cousin took his life 3 years ago today",
        "hoy es el aniversario, mi papa se suicido",
        "nunca va a cambiar para gente como yo",
    ],
)
def test_concern_families(text: str) -> None:
    assert _read(text)[0] == "concern"


@pytest.mark.parametrize(
    "text",
    [
        # Media, a group topic and laughter are nobody's risk.
        "the movie had a suicide storyline, it was heavy",
        "vi una serie donde el personaje se suicida",
        "group today was about suicide warning signs",
        "kms this line at the dmv is forever 😂",
        "about to destroy this burger",
        # Old or outgrown clothes given away are not a farewell.
        "gave my old baby clothes to my neighbor",
        "le regale mi ropa usada a mi prima",
        # A death by overdose already happened (a life event), laughter in Spanish.
        "my uncle passed away from an overdose in march",
        "kms jajaja se me olvido la tarea",
        # A parking lot.
        "no way out of this parking garage lol",
    ],
)
def test_everyday_lookalikes_raise_nothing(text: str) -> None:
    assert _read(text)[0] not in ("crisis", "concern")


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # Harm to others in plain or broken English: violence, never the 988 text.
        ("i catch that guy and i kill him", "violence"),
        # Threatened with a weapon now: safety, 911 first.
        ("my ex is threatening me with a bat", "safety"),
        ("me esta amenazando con una pistola", "safety"),
        # Alcohol withdrawal delirium told in broken English.
        ("my man stop drinking 2 day, he seeing bugs not there and shaking", "medical"),
    ],
)
def test_urgent_kinds(text: str, signal: str) -> None:
    r = classify(text)
    assert r.category == "crisis" and signal in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "primera vez en dos meses que me drogo",
        "me soltaron del bote y me fui derechito a drogarme",
    ],
)
def test_first_use_after_time_away_is_use_and_concern(text: str) -> None:
    r = classify(text)
    assert r.category == "concern" and "use" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        # Second round (h14b): a wish to be dead said the other way round, by the rules alone
        # (the model is not asked), in wording written for this test.
        "to be honest if i didnt wake up friday i wouldnt mind at all",
        "i really wouldnt care if i just never woke up again",
        "some days i wish i had never been born",
        "praying a delivery truck will run me down on my bike",
        "if a train hit me next week i wouldnt even care",
        "i no want live no more",
        "every night im praying god take me home",
        "si no despierto el lunes la verdad no me importaria",
        "me daria igual si me muero esta semana",
        "rezando pa no despertar mañana",
        "quisiera nunca haber nacido",
        "si me muero dormida estaria bien la verdad",
    ],
)
def test_passive_wish_second_round_is_crisis_by_rule(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.rule.startswith("crisis.passive_ideation")


@pytest.mark.parametrize(
    "text",
    [
        "if i didnt wake up for my shift my boss would mind a lot",
        "i wish my truck would start in this cold",
        "me da igual si llueve mañana",
        "si no despierto temprano no alcanzo el camion",
    ],
)
def test_second_round_lookalikes_raise_nothing(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


def test_a_pulse_not_felt_is_urgent() -> None:
    r = classify("my dad is slumped on the couch and i cant feel his pulse", backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        # Signs of an overdose in someone else, told as what is seen now (h14b).
        "foam is coming out of his mouth and hes shaking",
        "hes making gurgling sounds and his lips look grey",
        "my girlfriend is blue, help",
        "he drank some drain cleaner an hour ago",
        "mi hermano esta privado en el baño y no le siento el pulso",
        "mi amigo tiene las unas azules y no se mueve",
    ],
)
def test_overdose_signs_in_someone_else_are_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        "the car made a rattling noise all the way home",
        "my nails are purple, i just painted them",
        "my man is blue about losing his job",
        "me pinte las unas moradas",
    ],
)
def test_overdose_sign_lookalikes_raise_nothing(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        # Second round (h14b): a gun thought of for myself, the deed at the end of a time
        # clause, leaving where no text reaches, a named farewell, the how decided.
        "lately ive thought about using the rifle on myself",
        "i know where my dad hides his pistol and ive been thinking",
        "once the rent is paid im doing it",
        "im going where nobody can find me",
        "im thinkin about endin it all",
        "este es mi adios, gracias por todo",
        "ya decidi como hacerlo",
    ],
)
def test_plan_and_farewell_second_round_is_crisis_by_rule(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # An attempt under way: wrists cut with bleeding seen, everything taken and the heart
        # racing (h14b).
        "slit my wrist in the shower and theres a lot of blood",
        "me abri las venas y sigo sangrando",
        "me tome de todo y el corazon me va a explotar",
    ],
)
def test_attempt_now_second_round_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        # An adverb between "to" and the wish, leaving this world, bleeding out looked up,
        # cutting now or again in Spanish (h14b).
        "honestly i need to just stop existing",
        "i think its time for me to leave this world now",
        "looked up how long does it take to bleed out",
        "me corto las munecas cuando nadie me ve",
        "anoche me volvi a lastimar",
    ],
)
def test_ideation_and_self_harm_second_round_is_crisis_by_rule(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text", ["i want to just die of embarrassment lol", "me volvi a cortar el pelo"]
)
def test_third_round_lookalikes_raise_nothing(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


# --- third round (h14c): urgent, callback, medical precision ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # Delirium tremens told by what is seen after stopping drinking.
        "hands shaking nonstop and i see spiders on the ceiling, no booze since friday",
        "tiemblo todo y veo bichos en las paredes, deje de chupar el domingo",
    ],
)
def test_withdrawal_hallucinations_are_urgent_and_medical(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "theres bugs on the wall again, calling the exterminator",
        "vi una cucaracha en la pared de la cocina, que asco",
    ],
)
def test_bugs_on_the_wall_alone_raise_nothing(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category not in ("crisis", "concern") and "medical" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        # Pills swallowed with no body sign: crisis and urgent, not "medical" (the policy lists
        # an overdose apart from a medical emergency).
        "i swallowed the whole bottle of my ambien ten min ago",
        "me trague todas las pastillas de mi abuela hace rato",
    ],
)
def test_overdose_without_a_body_sign_is_urgent_not_medical(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis" and r.urgent and "medical" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "swallowed the whole bottle of my ambien and now i cant breathe",
        "me trague todas las pastillas y estoy vomitando sangre",
    ],
)
def test_overdose_with_a_body_sign_keeps_medical(text: str) -> None:
    r = classify(text)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        # Everyday body talk the policy names as not medical, with the model on.
        "had a head cold all week, still coming to group thursday",
        "so hungover this morning, running late",
        "my back is killing me from the warehouse shift",
        "sick of this rain honestly",
        "tengo una cruda horrible, llego tarde",
        "me duele la cabeza pero ahi voy el jueves",
        "ando con gripa, nos vemos el martes",
    ],
)
def test_everyday_body_talk_is_not_medical(text: str) -> None:
    assert "medical" not in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        # A body sign beside everyday talk keeps medical.
        "had a headache all day and now chest pain down my arm",
        "me dolia la cabeza y ahora me desmaye en el bano",
    ],
)
def test_everyday_body_talk_with_a_danger_sign_stays_medical(text: str) -> None:
    assert "medical" in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        # On the way now to stab someone, a weapon in hand waiting for him, a mix taken on
        # purpose and felt now, a hose on the exhaust (h14c).
        "heading over there right now to stab him",
        "ya voy pa donde esta ese wey con el cuchillo",
        "tengo la pistola en la mano y lo estoy esperando",
        "mixed my pills with vodka on purpose and im starting to feel it",
        "me tome todo con tequila a proposito, ya me siento mareado",
        "estoy en la troca con la manguera en el escape",
    ],
)
def test_third_round_life_in_danger_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        "heading over there to help him move his couch",
        "voy pa casa con el bate de beisbol del nino",
        "lol on purpose i ate the whole cake, feeling sleepy now",
    ],
)
def test_third_round_urgent_lookalikes_are_not_urgent(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        # HELP / AYUDA as a plea heading the message, a plea for anyone to reach out.
        "HELP my boyfriend is choking me",
        "please someone help me",
        "somebody plz hmu tonight",
        "AYUDA mi pareja me esta pegando",
        "porfa alguien ayudeme",
    ],
)
def test_third_round_pleas_are_callback(text: str) -> None:
    assert "callback" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text", ["help", "AYUDA", "hmu when group starts", "i help my mom on sundays"]
)
def test_third_round_plea_lookalikes_are_not_callback(text: str) -> None:
    assert "callback" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        # Use named as what came before a body sign (h14c).
        "stomach is wrecked after drinking all weekend",
        "my buddy wont wake up, we both used in his car",
        "been 4 days straight drinking by myself",
        "me maree despues de drogarme en el carro",
    ],
)
def test_use_named_before_a_symptom_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "after drinking some water i feel better",
        "despues de usar el bano me voy a la junta",
        "i havent been drinking for 3 weeks",
    ],
)
def test_use_before_a_symptom_lookalikes_are_not_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text", ["where do i get narcan i need it now", "donde consigo narcan, lo necesito ya"]
)
def test_a_naloxone_question_with_a_need_stays_naloxone(text: str) -> None:
    assert "naloxone" in classify(text).signals


@pytest.mark.parametrize(
    "text",
    [
        # A child into the pills and drowsy now; someone locked in after taking pills (h14c).
        "my 2 yr old got into my methadone and hes really drowsy",
        "mi nino se comio unas pastillas mias y esta bien dormido",
        "mi hermano se encerro en el cuarto y se tomo quien sabe cuantas pastillas",
    ],
)
def test_a_child_into_pills_or_someone_locked_in_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent


@pytest.mark.parametrize(
    "text",
    [
        "the dog got into my gummies lol hes sleepy",
        "el nino se comio los dulces y se quedo dormido",
        "locked myself out, took the bus",
    ],
)
def test_child_and_locked_in_lookalikes_are_not_urgent(text: str) -> None:
    assert not classify(text, backstop=False).urgent


# --- h14d (issue 14, fourth round) ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # Clean time lost, told instead of the use itself (use.lapse, h14d).
        "had to reset my clean date again",
        "lost my 6 months",
        "there goes my sobriety",
        "first beer in 8 months",
        "im not clean anymore",
        "tire 90 dias a la basura",
        "otra vez en el dia uno",
        "estoy usando otra vez",
        "despues de unas chelas me siento fatal",
    ],
)
def test_clean_time_lost_is_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert "use" in r.signals, r


@pytest.mark.parametrize(
    "text",
    [
        "i lost my keys and my 2 dogs got out",
        "first drink of coffee in 3 days, the machine broke",
        "scared of losing my 90 days",
        "estoy usando la computadora de mi hermana",
        "sone que estaba usando y desperte con ansias",
        "my clean date is in march, 1 year",
    ],
)
def test_clean_time_lookalikes_are_not_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        # The first use after a stretch, or after leaving treatment early, is concern
        # (concern.tolerance_loss) with its use.
        "first drink in 11 months tonight",
        "left detox yesterday against advice. got high this morning",
        "me sali del anexo ayer y ya me meti coca",
    ],
)
def test_first_use_after_clean_time_or_leaving_treatment_is_concern(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "concern" and "use" in r.signals, r


def test_leaving_treatment_long_ago_with_ongoing_use_is_not_tolerance_loss() -> None:
    assert classify("used every day since i left detox", backstop=False).category != "concern"


@pytest.mark.parametrize(
    "text",
    [
        # An object after a preposition is where someone is, not the subject (rules._thing);
        # sharing the use is not a report of a group topic ("we did a line", not "we did a
        # session").
        "gf passed out in the car wont wake up",
        "he is slumped in his truck and not breathing",
        "my roommate is blue and wont wake up we did a line together",
        "mi primo se desmayo en el carro y no despierta",
    ],
)
def test_someone_unresponsive_in_a_place_or_after_shared_use_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        "the battery in my phone is about to die",
        "my car died in the parking lot",
        "we did a session on overdose today, the guy in the video wasnt breathing",
    ],
)
def test_objects_and_group_topics_are_still_not_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category != "crisis" and not r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        # Means in hand now (h14d): a firearm loaded by any name, a rope tied, a weapon set out
        # beside a stated intent to hurt someone, a farewell with the pills shown.
        "cocked the glock, this is it",
        "loaded the 12 gauge. im done",
        "ya amarre la soga",
        "ya tengo la pistola cargada",
        "im going to stab him when he gets home, knife is on the counter",
        "goodbye guys 💊💊💊",
        "tell my kids i love them. pills are lined up",
    ],
)
def test_means_ready_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        "loaded the dishwasher and went to bed",
        "the knife is on the counter if you want to cut the cake",
        "took my 💊💊 this morning like the doctor said",
        "amarre al perro y sali a caminar",
        "bye guys see you thursday",
    ],
)
def test_means_lookalikes_are_not_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert not r.urgent and r.category != "crisis", r


@pytest.mark.parametrize(
    "text",
    [
        # Delirium tremens or a withdrawal seizure told by its signs and the last drink or dose.
        "sweating and confused, dont know where i am, last drink was sunday",
        "me dio un ataque y desperte en el piso, 3 dias sin el clonazepam",
        "le dio una convulsion a mi esposo, lleva dias sin trago",
    ],
)
def test_withdrawal_confusion_or_seizure_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "medical" in r.signals, r


def test_a_heart_attack_joke_without_stopping_is_not_withdrawal() -> None:
    r = classify("casi me da un ataque de risa jaja", backstop=False)
    assert r.rule != "crisis.withdrawal_danger.es"


@pytest.mark.parametrize(
    "text",
    [
        # A burden or hopelessness with the method thought through is crisis (intent).
        "everyone would be better off without me. ive thought about how",
        "theres no reason to keep going, i figured out how",
        "estarian mejor sin mi, ya pense como hacerlo",
    ],
)
def test_burden_with_the_method_thought_through_is_crisis(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis", r


def test_burden_without_a_method_stays_concern() -> None:
    r = classify("everyone would be better off without me", backstop=False)
    assert r.category == "concern"


@pytest.mark.parametrize(
    "text",
    ["adios a todos 💊💊💊", "lo voy a picar cuando llegue, el cuchillo ya esta en la mesa"],
)
def test_means_ready_now_is_urgent_in_spanish(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r


@pytest.mark.parametrize(
    "text", ["el cuchillo esta en la mesa para el pastel", "tome mis 💊 y me fui a dormir"]
)
def test_spanish_means_lookalikes_are_not_urgent(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        # Hyperbole the learned backstop may not read as risk (backstop.not_risk, h14d): dying
        # rather than a chore laughed off, an everyday annoyance, "volverse loca", a job that
        # "va a acabar conmigo"; safe again after a crisis reply.
        "id rather die than sit through another zoom meeting lol",
        "cant stand this heat anymore",
        "ya no aguanto este trafico jaja",
        "los ninos me van a volver loca jaja",
        "esta chamba va a acabar conmigo jaja",
        "im safe now, thank you for checking. going to bed",
        "ya estoy a salvo en casa de mi hermana",
    ],
)
def test_hyperbole_and_safe_again_are_not_risk(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "my friend said hed rather die than go back to jail",
        "ya no aguanto esta vida",
        "im safe now but i still want to die",
        "i cant take this anymore lol i want to die",
    ],
)
def test_real_risk_beside_hyperbole_markers_is_still_read(text: str) -> None:
    assert classify(text).category in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        # Use told sideways (use.lapse, h14d): got it and then took it, a container finished,
        # someone else's pill, "ya me puse", back to the bottle, a day named after the verb.
        "found some old pills in my car and took them",
        "copped from my old dealer on the way home",
        "finished the 6 pack in the garage",
        "ya me puse, no le digan a nadie",
        "volvi a la botella",
        "me acabe el six en la cochera",
        "tome el finde, soy un fracaso",
        "use el viernes y voy a salir sucio",
        "me tome una pastilla de mi tia pa dormir",
        "me eche unas bielas antes de entrar a trabajar",
    ],
)
def test_use_told_sideways_is_use(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "found my keys in the car and took them inside",
        "tome el camion ayer para llegar al grupo",
        "me puse la chamarra y sali",
        "necesito naloxona, la mia la use el finde",
        "volvi a la casa de mi mama",
        "took a hit on my paycheck this month",
    ],
)
def test_use_told_sideways_lookalikes_are_not_use(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        # A wish not to wake with words in between, no point in being alive (passive ideation
        # is crisis); possessions given away or signed over (farewell), "ya no los voy a
        # necesitar" (h14d).
        "i keep hopin i just dont wake up one of these mornings",
        "i dont really see the point in being alive",
        "ojala me duerma y no despierte",
        "quisiera dormirme y ya no despertar",
        "gave my guitar to my nephew",
        "signed the truck over to my son",
        "le regale mi moto a mi primo, ya no la voy a necesitar",
    ],
)
def test_wish_not_to_wake_and_giving_away_are_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "gave my car to the mechanic",
        "gave my dog to the sitter for the weekend",
        "le regale una playera a mi primo por su cumple",
        "ojala me duerma temprano hoy",
    ],
)
def test_giving_and_sleep_lookalikes_are_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Means at hand now (h14d): pills counted out, a blade on the arm, outside an ex's
        # place with a weapon.
        "pills are counted out on the table",
        "estoy con el cuchillo en el brazo otra vez",
        "im outside my exs place with my dads pistol",
    ],
)
def test_means_at_hand_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r


@pytest.mark.parametrize(
    "text",
    [
        # Death wished from an illness or an accident, asked of God; a method turned over in
        # the mind; using until the body stops (h14d).
        "part of me hopes the cancer comes back",
        "if i got sick and died it would be kind of a relief",
        "if cancer got me i wouldnt fight it",
        "a veces le pido a la virgen que ya me lleve",
        "quisiera desvanecerme nomas",
        "i keep thinking about swerving into a semi",
        "thinking about the rope again",
        "voy a tomar hasta que se me pare el corazon",
        "me voy a meter todo de una, me vale",
        "gonna drink till my heart stops",
    ],
)
def test_indirect_wishes_methods_and_lethal_use_are_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "my mom is scared the cancer comes back",
        "thinking about the bridge game tonight",
        "driving to the lake this weekend with the kids",
        "me voy a tomar todo el cafe de una",
    ],
)
def test_indirect_wish_and_method_lookalikes_are_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # SMS shorthand written out before the rules read it (normalise.abbreviations, h14d).
        ("wan2 die", "crisis"),
        ("im gna end it", "crisis"),
        ("cnt do ths nemore", "concern"),
        ("ya no kero vivir", "crisis"),
        ("me kiero mrir", "crisis"),
    ],
)
def test_sms_shorthand_is_read(text: str, category: str) -> None:
    assert classify(text, backstop=False).category == category


@pytest.mark.parametrize("text", ["luv u guys, c u thurs", "gna b l8 2 group", "tngo cita a las 3"])
def test_sms_shorthand_everyday_stays_everyday(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    ["where do i get narcan i need it now", "donde consigo narcan, lo necesito ya"],
)
def test_a_need_beside_a_naloxone_question_is_read_by_the_rule(text: str) -> None:
    r = classify(text, backstop=False)
    assert "naloxone" in r.signals, r


@pytest.mark.parametrize("text", ["where can i buy narcan", "donde venden narcan"])
def test_a_naloxone_question_alone_is_not_a_need(text: str) -> None:
    assert "naloxone" not in classify(text, backstop=False).signals


# Fifth round (h14e): families generalised from the eighth batch as tuning data, each with
# wordings written here and a hard negative that must not fire.


def _rule(text: str, **kw: object) -> tuple[str, str, bool]:
    r = classify(text, backstop=False, **kw)  # type: ignore[arg-type]
    return r.category, r.rule.rsplit(".", 1)[0], r.urgent


@pytest.mark.parametrize(
    "text",
    [
        # A wake-up with a time or a state is an alarm clock (lethal_use, passive_ideation).
        "hope i dont wake up late for my shift lol",
        "hoping i dont wake up sick tomorrow, long week",
        "crashing early, not waking up till 10 tomorrow",
        "me voy a acostar y no despierto hasta las 11, ando muerta de sueño",
        # A prayer for a safe trip is not a prayer to die.
        "le pido a dios que me lleve con bien al trabajo",
        "rezo para que diosito me traiga de regreso con bien",
        # Water bought and drunk is not a drink.
        "got a bottle of water and drank the whole thing",
        "grabbed a can of soda and chugged it after the meeting",
    ],
)
def test_alarm_clocks_safe_trips_and_water_are_not_risk_or_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category not in ("crisis", "concern"), r
    assert "use" not in r.signals, r


@pytest.mark.parametrize(
    "text",
    [
        "hope i dont wake up tomorrow",
        "ojala no despierte mañana",
        "le pido a dios que ya me recoja",
    ],
)
def test_the_wish_not_to_wake_still_reads_as_crisis(text: str) -> None:
    assert _rule(text)[0] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "no, im not safe",
        "i dont feel safe with myself right now",
        "honestly im not safe tonight",
        "no estoy a salvo",
        "no me siento segura conmigo misma",
    ],
)
def test_not_safe_with_oneself_is_crisis(text: str) -> None:
    assert _rule(text)[:2] == ("crisis", "crisis.not_safe")


@pytest.mark.parametrize("text", ["im safe", "yes im safe now", "no estoy segura si voy manana"])
def test_safe_and_not_sure_are_not_not_safe(text: str) -> None:
    assert _rule(text)[1] != "crisis.not_safe"


@pytest.mark.parametrize(
    "text",
    [
        "wish i could fade away and no one would even notice",
        "lord im so tired, im ready to go home and be with my mama",
        "dont think ill be alive by friday",
        "mejor estar muerto que seguir asi",
        "la neta no me importa si amanezco",
        "si no amanezco mañana mejor",
    ],
)
def test_passive_ideation_families(text: str) -> None:
    assert _rule(text)[:2] == ("crisis", "crisis.passive_ideation")


@pytest.mark.parametrize(
    "text",
    [
        "lord im ready to go home lol this shift is forever",
        "wish this headache would fade away",
        "mejor estar en la casa hoy",
    ],
)
def test_passive_ideation_lookalikes(text: str) -> None:
    assert _rule(text)[0] not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "swallowed the whole bottle of my klonopin with wine on purpose, starting to feel it",
        "mixed pills and vodka on purpose tonight. goodbye",
        "me tome las pastillas con tequila a proposito, ya me siento pesada",
    ],
)
def test_an_overdose_on_purpose_felt_now_is_urgent(text: str) -> None:
    category, _, urgent = _rule(text)
    assert (category, urgent) == ("crisis", True)


def test_an_overdose_on_purpose_told_as_past_is_not_911() -> None:
    category, _, urgent = _rule("took extra pills on purpose last night, feeling ok now")
    assert category == "crisis" and not urgent


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("nearly jumped on sunday, didnt", "crisis.recent_attempt"),
        ("parked by the river thinking about driving straight in", "crisis.method_plan"),
        ("fresh cuts all over my legs from this week", "crisis.self_harm"),
    ],
)
def test_recent_attempts_methods_and_new_cuts(text: str, rule: str) -> None:
    assert _rule(text)[:2] == ("crisis", rule)


@pytest.mark.parametrize(
    "text",
    [
        "almost jumped out of my seat when my name got called",
        "my son got cut from the team today",
        "drove straight in to work this morning",
    ],
)
def test_attempt_method_and_cut_lookalikes(text: str) -> None:
    assert _rule(text)[0] not in ("crisis", "concern")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("please help me i cant do this tonight", "crisis"),
        ("help i cant do this anymore", "concern"),
        ("please help, i cant do this math homework", "free_text"),
    ],
)
def test_a_plea_beside_i_cant_do_this(text: str, category: str) -> None:
    assert _rule(text)[0] == category


@pytest.mark.parametrize(
    "text",
    [
        "popped two blues in my truck by myself",
        "sitting home alone drinking, wife left",
        "drinking by myself in the garage",
        "aqui solita tomando, los niños con su papa",
    ],
)
def test_use_told_beside_being_alone_is_using_alone(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, "use" in r.signals) == ("concern", True), r


@pytest.mark.parametrize(
    "text",
    ["my truck is blue", "home alone drinking tea with the cat", "aqui solita tomando agua"],
)
def test_alone_without_use_is_not_using_alone(text: str) -> None:
    r = classify(text, backstop=False)
    assert "use" not in r.signals and r.category != "concern", r


def test_first_use_in_months_is_use_and_tolerance_loss() -> None:
    r = classify("drank for the first time in 5 months last night", backstop=False)
    assert r.category == "concern" and "use" in r.signals, r


@pytest.mark.parametrize(
    "text",
    [
        "el cuchillo grande esta en el cajon, para la carne",
        "pasame el cuchillo del pastel",
        "the big knife is in the dishwasher, use the bread one",
    ],
)
def test_a_kitchen_knife_is_no_risk_for_the_model(text: str) -> None:
    assert classify(text).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "took a bunch of my gabapentin and now my chest is tight",
        "swallowed my moms sleeping pills, cant keep my eyes open",
        "me tome un monton de clonazepam y no puedo respirar",
    ],
)
def test_own_taking_before_a_body_sign_is_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent, "use" in r.signals) == ("crisis", True, True), r


def test_someone_elses_taking_before_a_body_sign_is_not_the_clients_use() -> None:
    r = classify("she took something at the party and now shes not breathing", backstop=False)
    assert r.category == "crisis" and "use" not in r.signals, r


@pytest.mark.parametrize(
    "text",
    [
        "been drinking since noon and idc if i wake up",
        "ando tomando desde el viernes y me vale si no amanezco",
    ],
)
def test_use_named_beside_lethal_intent_is_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, "use" in r.signals) == ("crisis", True), r


@pytest.mark.parametrize(
    "text",
    [
        "i stopped drinking but i still want to die tonight",
        # Use to come is not use (POLICY.md); poison is not a substance used.
        "gonna drink till my heart gives out",
        "me tome el veneno de las hormigas y no puedo respirar",
    ],
)
def test_no_use_without_the_use_itself(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and "use" not in r.signals, r


@pytest.mark.parametrize(
    "text",
    [
        "my boyfriend used to choke me when he drank, i still jump at loud noises",
        "mi marido me pegaba cada vez que tomaba",
        "she hid my car keys and my phone again so i cant get to group",
        "my husband locks me in when he goes out",
        "mi novio me quito el celular y las llaves pa que no vaya al grupo",
        "dice que me va a dar una paliza si lo dejo",
    ],
)
def test_past_abuse_and_control_at_home_are_safety(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, "safety" in r.signals) == ("concern", True), r


@pytest.mark.parametrize(
    "text",
    [
        "my dad used to hit me grounders after school",
        "my wife locked up the house before we left",
        "mi mama me daba de comer bien rico",
    ],
)
def test_abuse_lookalikes_are_not_safety(text: str) -> None:
    r = classify(text, backstop=False)
    assert "safety" not in r.signals and r.category not in ("crisis", "concern"), r


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("escribi una carta pa mi hija por si acaso", "crisis.farewell"),
        ("sold the truck, paid my debts, everything is in order now", "crisis.farewell"),
        ("the gun is still here. never got rid of it like we talked", "crisis.method_plan"),
        ("getting as much dope as i can afford and shooting it all", "crisis.lethal_use"),
    ],
)
def test_farewell_means_kept_and_using_everything(text: str, rule: str) -> None:
    category, found, _ = _rule(text)
    assert category == "crisis", found
    assert found == rule or rule == "crisis.farewell", found


@pytest.mark.parametrize(
    "text",
    [
        "le di mi ropa vieja pa mis sobrinos",
        "wrote a letter to my brother in prison today",
        "wrote a letter to the judge for my sentencing",
        "my paperwork is all in order for court",
    ],
)
def test_farewell_lookalikes(text: str) -> None:
    assert _rule(text)[0] not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "watched a film where a guy drives off a cliff at the end, rough",
        "news said a lady jumped off the overpass downtown, so sad",
        "la misa por los que se fueron por sobredosis es el domingo",
        "cuando usaba tuve varias sobredosis, ahora voy bien",
        "mi primo se fue por una sobredosis hace 3 años",
    ],
)
def test_others_methods_in_media_and_past_overdoses_are_not_crisis(text: str) -> None:
    assert _rule(text)[0] != "crisis"


@pytest.mark.parametrize(
    "text",
    ["im thinking about driving off the bridge tonight", "creo que me estoy dando una sobredosis"],
)
def test_the_clients_own_method_or_overdose_stays_crisis(text: str) -> None:
    assert _rule(text)[0] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # A plan with its day and the moment nobody is home.
        "i have it all worked out, ill do it sunday when everyone is at church",
        "ya tengo todo planeado pal domingo",
        "el viernes cuando se vayan todos lo hago",
        # A method turned on oneself, how easy it would be, searching how many it would take.
        "i keep my rifle by the bed and think about turning it on myself",
        "every day on the interstate i think how easy it would be to just swerve",
        "been googling how many of my blood pressure pills it would take",
        "im on the overpass",
        "i think im ready to meet my maker",
        # Lingering at a height, a last goodbye.
        "sat on the ledge of the parking garage for a long time last night",
        "wanted to say bye while i still might get the chance, tell my kids i tried",
        "nomas queria despedirme de ustedes",
        "esta es la ultima vez que les escribo",
        "le di la troca a mi hermano, ya no la voy a necesitar",
        # Emergencies now.
        "tengo la pistola en la mano",
        "hes banging on the bathroom door with a bat and im locked in here",
        "me tiene agarrada del pelo ahorita",
        "mi compa esta tirado y se esta poniendo morado",
        "2 days no drinks and i just had a fit in the kitchen",
    ],
)
def test_plans_methods_farewells_and_emergencies_are_crisis(text: str) -> None:
    assert _rule(text)[0] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "ya tengo el vestido para la boda",
        "gonna do it friday when i get paid, the oil change",
        "how easy it would be to just go over to my moms instead",
        "looking up how much it would cost to fix my truck",
        "im on the bridge stuck in traffic, be there in 10",
        "she had a fit when i told her, lol",
        "tengo la navaja en la mano cortando cebolla",
        "mi camisa nueva es morada",
    ],
)
def test_plan_method_and_emergency_lookalikes(text: str) -> None:
    assert _rule(text)[0] not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "i drive over the dam every day and think how easy itd be to just swerve",
        "my roommate is passed out on the couch and his lips are purple",
        "got all my pills lined up on the nightstand",
        "me mande todo lo que tenia y no siento las piernas",
        "me tome algo en la fiesta y se me cierra la garganta",
    ],
)
def test_methods_means_and_body_signs_now(text: str) -> None:
    assert _rule(text)[0] == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "counted out my pills for the week in the organizer",
        "got my meds sorted for the week in my pill box",
        "no siento las piernas de tanto caminar en el trabajo",
    ],
)
def test_pill_organisers_and_tired_legs_are_not_crisis(text: str) -> None:
    assert _rule(text)[0] != "crisis"


# Sixth round (h14f): families seen in independent-10's misses on the tuning quarters, tried on
# wording written for these tests.
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # An indirect farewell: the last text to all of them, letters left where the kids will
        # find them, affairs put in order beside "im ready".
        ("ok this is my last text to you all, thank you for putting up with me", "crisis.farewell"),
        ("my last message to everybody, yall did good by me", "crisis.farewell"),
        ("les deje unas cartas a mis hijos, estan debajo del colchon", "crisis.farewell"),
        ("life insurance and bills all squared away, im ready now", "crisis.affairs_in_order"),
        ("la poliza y las cuentas en orden pa mi vieja, ya estoy lista", "crisis.affairs_in_order"),
        # Intent to hurt someone on a named day or occasion.
        ("when he comes by friday for his check im stabbing him", "crisis.harm_to_others"),
        ("soon as she pulls up tomorrow im gonna shoot her", "crisis.harm_to_others"),
        ("el domingo lo agarro saliendo de misa y le meto unas punaladas", "crisis.harm_to_others"),
        # An attempt survived, told apologetically.
        ("sorry for worrying everyone, the pills didnt even work", "crisis.recent_attempt"),
        ("perdonen, las pastillas ni sirvieron, sigo aqui", "crisis.recent_attempt"),
        # A wish not to wake up, told to the family.
        ("if i dont wake up tomorrow dont cry, its what i wanted", "crisis.passive_ideation"),
        ("si no amanezco no lloren, asi lo quise", "crisis.passive_ideation"),
    ],
)
def test_sixth_round_crisis_families(text: str, rule: str) -> None:
    category, found, urgent = _rule(text)
    assert (category, found, urgent) == ("crisis", rule, False)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # An overdose told by what was taken and a body slowing or fading: urgent, medical.
        ("did 2 blues and some lean, my breathing is slowing down", "crisis.symptoms_after_use"),
        ("took a bunch of my xanax, everything slowing way down", "crisis.symptoms_after_use"),
        ("me meti unas pastas con guaro y me estoy apagando", "crisis.symptoms_after_use"),
        # Withdrawal from alcohol or benzos with confusion: urgent, medical.
        ("dad quit the bottle cold turkey, doesnt know his own name", "crisis.withdrawal_danger"),
        ("mi tia dejo el clonazepam de golpe, no sabe como se llama", "crisis.withdrawal_danger"),
    ],
)
def test_sixth_round_urgent_medical(text: str, rule: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.rule.rsplit(".", 1)[0], r.urgent) == ("crisis", rule, True)
    assert "medical" in r.signals


def test_intent_to_hurt_later_is_not_made_urgent_by_the_model() -> None:
    r = classify("mañana la espero a la salida del trabajo y la lleno de punaladas")
    assert (r.category, r.urgent) == ("crisis", False)
    assert "violence" in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "no me manden mas mensajes, mi novio los revisa",
        "stop texting me, my husband goes through them",
    ],
)
def test_a_partner_reading_the_texts_is_concern_and_safety_and_still_revokes(text: str) -> None:
    r = classify(text)
    assert (r.category, r.revokes) == ("concern", True)
    assert "safety" in r.signals


@pytest.mark.parametrize(
    ("text", "kw"),
    [
        # Hard negatives: a group topic, a word, a decline for work, a boss, the last text
        # before a new number, pills for a headache, papers in order for an appointment.
        ("the session on suicide prevention in group was really good", {}),
        ("esa platica del grupo sobre el suicidio me sirvio", {}),
        ("kms is such a weird word, the kids say it about everything", {}),
        ("no can do, working a double at the plant", {"open_prompts": ("reminder",)}),
        ("no voy a poder ir, mi jefe no me deja salir temprano", {}),
        ("my last text to everyone on this phone, new number tomorrow", {}),
        ("the pills didnt even work for my back pain", {}),
        ("got the insurance papers in order for my intake, im ready", {}),
        ("if he shows up saturday im shooting him a text", {}),
        ("im a nurse, my patient doesnt know her own name today", {}),
    ],
)
def test_sixth_round_lookalikes_are_not_risk(text: str, kw: dict[str, object]) -> None:
    assert _rule(text, **kw)[0] not in ("crisis", "concern")


def test_a_decline_for_work_is_never_risk_for_the_model() -> None:
    assert classify("no can do, finishing the framing job out of town").category == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        # A first-person word inside the match keeps it the client's own beside a group mention.
        "ill be at group thursday but i keep thinking about turning the gun on myself",
        "tried to hang myself back in 2019, we talked about it in group",
    ],
)
def test_own_words_inside_the_match_beside_a_group_mention(text: str) -> None:
    assert _rule(text)[0] in ("crisis", "concern")


def test_someone_else_in_group_talk_stays_a_report() -> None:
    assert _rule("in group we talked about a guy who shot himself")[0] == "free_text"


@pytest.mark.parametrize(
    "text",
    [
        '<script>alert("x")</script>',
        "<b>hello</b>",
        "{{7*7}} ${jndi:ldap://x}",
        "asdf qwer zxcv",
    ],
)
def test_markup_and_keyboard_noise_never_page_on_call(text: str) -> None:
    """The model's crisis bar is floored (evaluation/train.py STRONG_FLOOR): a retraining at the
    budget's edge once read a line of HTML as a crisis, paging on-call for it. ("script" is
    also slang for a prescription, so the model may still ask a counselor about that one.)"""
    c = classify(text)
    assert c.category != "crisis" and not c.urgent, (c.category, c.rule)
    if "script" not in text:
        assert c.category != "concern" and not c.signals, (c.category, c.rule)


# Seventh round (h14g): families seen in independent-12's misses on the tuning quarters, tried on
# wording written for these tests.
_SEIZURE = "crisis.withdrawal_seizure"
_LAUGHING = "crisis.indifference_with_means"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Means in hand named by the object, not a weapon word: a calibre or make on the knees.
        ("sittin here with the 30-06 across my lap, had a few", "crisis.means_by_object"),
        ("my dads old ruger is in my lap right now", "crisis.means_by_object"),
        ("tengo la 38 en las piernas y ya me tome media botella", "crisis.means_by_object"),
        # A method told through objects: the pockets weighed down by the water.
        ("down by the river, filled my jacket pockets with rocks", "crisis.means_by_object"),
        ("me llene las bolsas de piedras, ya llegue a la orilla del rio", "crisis.means_by_object"),
        # Withdrawal seizures told with a past start and the signs now.
        ("mom quit her nerve pills sunday, now shes on the floor jerking", _SEIZURE),
        ("he stopped drinking on friday and his eyes rolled back, foaming", _SEIZURE),
        ("mi hermano dejo el guaro el sabado y esta en el suelo sacudiendose", _SEIZURE),
        # Bleeding from the gut described clinically.
        ("been puking up stuff like coffee grounds all morning", "crisis.medical_emergency"),
        ("vomite algo como cafe molido y me siento muy debil", "crisis.medical_emergency"),
        # Someone not waking, told in Spanish by the colour of the mouth.
        ("mi primo tiene la boca morada y no se despierta", "crisis.someone_unresponsive"),
    ],
)
def test_seventh_round_urgent_families(text: str, rule: str) -> None:
    category, found, urgent = _rule(text)
    assert (category, found, urgent) == ("crisis", rule, True)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # A gun acquired with its harmless purpose denied.
        ("picked up a pistol from my cousin, and its not for protection", "crisis.means_acquired"),
        ("compre una pistola ayer y no es pa cazar", "crisis.means_acquired"),
        # Indifference to dying told with laughter when a means is named.
        ("haha hoping this fifth finishes me off", "crisis.indifference_with_means"),
        ("lol swallowed a bunch of my sleeping pills so i wouldnt wake up", _LAUGHING),
        ("jajaja a ver si esta caguama me mata", "crisis.indifference_with_means"),
        ("me tome las pastillas pa no despertar jaja", "crisis.indifference_with_means"),
        # A decline whose reason is a farewell.
        ("i wont be there tuesday or any other day", "crisis.farewell"),
    ],
)
def test_seventh_round_crisis_families(text: str, rule: str) -> None:
    category, found, _ = _rule(text)
    assert (category, found) == ("crisis", rule)


@pytest.mark.parametrize(
    ("text", "kw"),
    [
        # Hard negatives: a hunt, a child's rock collection, a new rifle for the season, a
        # heat wave with laughter, a decline for the rest of the week, sleep aids, a purple
        # popsicle, an early riser, coffee and a stomach bug.
        ("got the 30-30 across my lap in the deer stand, cold morning", {}),
        ("my son came home with his pockets full of rocks from the creek lol", {}),
        ("bought a new rifle for deer season", {}),
        ("lol this heat is gonna finish me off", {}),
        ("cant make it thursday or any other day this week, working doubles", {}),
        ("took 2 melatonin so i wouldnt wake up at 3am again lol", {}),
        ("tengo la boca morada de la paleta de mora jaja", {}),
        ("mi hijo no se despierta temprano ni con alarma", {}),
        ("threw up after too much coffee this morning", {}),
        ("ay la fila del banco me va a matar jaja", {}),
        # A fit told as over, after stopping: not 911 now.
        ("he was on the floor shaking saturday after he quit drinking, hes ok now", {}),
    ],
)
def test_seventh_round_lookalikes_are_not_crisis(text: str, kw: dict[str, object]) -> None:
    assert _rule(text, **kw)[0] != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # The reason clause of a reminder answer carries the danger: risk wins over the answer.
        "cant come tonight, my brother is passed out and his lips are purple",
        "no puedo ir, mi papa esta en el sillon con la boca morada y no despierta",
        "sorry cant make it, just took the whole bottle of my sleeping pills",
        "wont be there thursday or any other day, made my peace",
    ],
)
def test_a_reminder_answer_with_danger_in_its_reason_is_crisis(text: str) -> None:
    r = classify(text, open_prompts=("reminder",))
    assert r.category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "cant make it, dont really see the point in anything anymore",
        "no voy a poder ir, ya no le encuentro sentido a nada",
    ],
)
def test_the_model_reads_risk_in_a_reminder_answer(text: str) -> None:
    # No rule reads these (the model does): the answer no longer hides the risk (h14g).
    r = classify(text, open_prompts=("reminder",))
    assert r.category in ("crisis", "concern")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("cant make it, my car broke down", "decline"),
        ("no voy a poder ir, tengo que trabajar doble", "decline"),
        ("cant make it, im sick with the flu", "decline"),
        ("yes ill be there, running a bit late", "confirm"),
        ("alli estare, gracias", "confirm"),
    ],
)
def test_an_everyday_reminder_answer_stays_an_answer(text: str, answer: str) -> None:
    assert classify(text, open_prompts=("reminder",)).category == answer


def test_soon_not_being_around_escalates_a_burden() -> None:
    r = classify("everyone would be better off if i wasnt here, and soon i wont be", backstop=False)
    assert r.category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Use told through slang and sideways (h14g): a binge, the drink "in me", the last line,
        # using together, the chip put off; es echandome unas, lo que ya me meti, la recaida.
        "went on a little bender last weekend, feel like crap",
        "got half a pint of old crow in me already",
        "heart wont slow down since that last bump",
        "we was usin together till 3 this morning",
        "guess my 60 day coin is gonna have to wait",
        "aqui en el carro echandome unas heladas",
        "quien sabe que traia lo que ya me meti",
        "me siento de lo peor despues de esta recaida",
        "la medalla de 30 dias va a tener que esperar",
    ],
)
def test_seventh_round_use_families(text: str) -> None:
    assert "use" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        "binge watched the whole series this weekend",
        "the kids were using the ipad together",
        "after that last line of the poem i cried",
        "got my 90 day chip tonight, so proud",
        "tenia ganas de echarme unas pero no lo hice",
        "me eche unos tacos bien ricos",
        "la recaida es un tema que vimos en grupo",
    ],
)
def test_seventh_round_use_lookalikes(text: str) -> None:
    assert "use" not in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    "text",
    [
        # A drug or a hangover that "hit" is not a partner's blow (h14g); a blow stays one
        # ("me pego fuerte" alone stays a blow: it is how a beating is told).
        "me pego la cruda bien feo despues de la fiesta",
        "primera vez que consumo en meses y me pego durisimo",
        "anoche me pego el perico y no dormi",
    ],
)
def test_a_drug_that_hit_hard_is_not_safety(text: str) -> None:
    assert "safety" not in classify(text, backstop=False).signals


@pytest.mark.parametrize("text", ["mi esposo me pego anoche", "mi novio me pego bien fuerte"])
def test_a_blow_from_a_partner_stays_safety(text: str) -> None:
    assert "safety" in classify(text, backstop=False).signals


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # A height or a rope told by the place; bleeding through the towel (h14g).
        ("standing on the other side of the guardrail at the overlook", "crisis.means_in_hand"),
        ("climbed over the railing on the bridge, its windy", "crisis.means_in_hand"),
        ("the noose is up in the garage already", "crisis.means_in_hand"),
        ("went way deeper than i meant to on my arm this time", "crisis.means_in_hand"),
        ("its bleeding right thru the bandage and wont slow", "crisis.means_in_hand"),
        ("my meds are counted out in a bowl on the table", "crisis.means_in_hand"),
        # Someone passed out and not answering, breathing once in a long while.
        ("my girl passed out on the couch and wont answer me", "crisis.someone_unresponsive"),
        ("hes breathing like once every 15 seconds", "crisis.someone_unresponsive"),
        # A firearm held, by any name.
        ("got the shotgun in my hands right now", "crisis.means_by_object"),
    ],
)
def test_seventh_round_means_now_are_urgent(text: str, rule: str) -> None:
    # Another urgent rule may read it first (a bridge, a noose: crisis.attempt_now).
    category, found, urgent = _rule(text)
    assert (category, urgent) == ("crisis", True)
    assert found in (rule, "crisis.attempt_now")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("been working out how many of my xanax it would take", "crisis.method_plan"),
        ("ando sacando cuantas pastillas tendria que tomarme", "crisis.method_plan"),
        ("gave my fishin gear to my brother yesterday", "crisis.farewell"),
        ("make sure my grandson gets my truck", "crisis.farewell"),
        ("when he gets out im putting a bullet in him", "crisis.harm_to_others"),
        ("gonna bust his head open next time he comes round", "crisis.harm_to_others"),
        ("le meto un balazo cuando lo vea", "crisis.harm_to_others"),
        ("so tired of being alive", "crisis.passive_ideation"),
        ("me volvi a cortar anoche", "crisis.self_harm"),
        ("el viernes me pase de pastas a proposito", "crisis.recent_attempt"),
    ],
)
def test_seventh_round_crisis_by_rule(text: str, rule: str) -> None:
    category, found, _ = _rule(text)
    assert (category, found) == ("crisis", rule)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("doin shots alone at my place tonight", "concern.using_alone"),
        ("hitting the bottle by myself out at the lake", "concern.using_alone"),
        ("got out of jail monday and already copped", "concern.tolerance_loss"),
        ("my mom threw a plate at me last night", "concern.abuse_at_home"),
        ("mi esposo me avento un vaso anoche", "concern.abuse_at_home"),
        ("drank last night, im such a screwup", "concern.lapse_self_hatred"),
        ("recai el sabado y me siento un inutil", "concern.lapse_self_hatred"),
        ("my buddy keeps saying he wants to go too since his wife died", "concern.third_party"),
        ("mi prima me mando un mensaje raro despidiendose", "concern.third_party"),
    ],
)
def test_seventh_round_concern_by_rule(text: str, rule: str) -> None:
    category, found, _ = _rule(text)
    assert (category, found) == ("concern", rule)


@pytest.mark.parametrize(
    "text",
    [
        # Hard negatives: a fence, a hunt, a cook's question, a line dance, a plate thrown away.
        "the deer was on the other side of the fence",
        "got the rifle in my hands waiting on a buck",
        "how many eggs it would take for the cake",
        "did a line dance at my nieces quince lol",
        "threw the plate away, it was chipped",
        "how many tylenol it takes for a headache",
        "they finally fixed the guardrail past the bridge",
    ],
)
def test_seventh_round_lookalikes_raise_no_risk(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category not in ("crisis", "concern")
    assert "use" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        # A fit now after stopping on a day before now; an attempt just failed; blood that will
        # not stop; a whole bottle with "im done"; insulin to be used all at once tonight;
        # someone silent behind the bathroom door; an attacker back with a knife (h14g).
        "my husband is having a seizure, he quit the vodka on sunday",
        "a mi hermano le esta dando una convulsion, dejo el trago el lunes",
        "tried to hang myself and the cord snapped, neck is killing me",
        "me colgue pero se solto la soga",
        "me corte y no para de sangrar",
        "tylenol pm the whole bottle im done",
        "gonna inject all of them tonight, the whole box of pens",
        "she been in the bathroom an hour, wont answer the door, no sound",
        "shes back n she got a knife, help",
    ],
)
def test_seventh_round_emergencies_now_are_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True)


@pytest.mark.parametrize(
    "text",
    [
        "had a seizure last tuesday after i quit drinking, doing better now",
        "im going to use all of my vacation days this year",
        "bought advil the whole bottle was 3 bucks",
        "me colgue del wifi del vecino jaja",
        "the kids wont open the door, theyre playing hide and seek",
    ],
)
def test_seventh_round_emergency_lookalikes_are_not_urgent(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Last families of the round (h14g): the amount looked up, withdrawal told by the hour,
        # release from a penal, thoughts owned and denied; someone else's fit told as over.
        ("looked up how much tylenol it takes", "crisis"),
        ("throwing up every hour, day 3 no dope", "concern"),
        ("sali del tambo el viernes y ya me meti algo", "concern"),
        ("a veces me vienen esos pensamientos pero no lo haria", "concern"),
        ("i have those thoughts sometimes but i wont act on them", "concern"),
        ("a lady at the store had a seizure, ambulance came, shes ok", "free_text"),
        ("i have those thoughts about my ex sometimes", "free_text"),
    ],
)
def test_seventh_round_last_families(text: str, category: str) -> None:
    assert classify(text, backstop=False).category == category


@pytest.mark.parametrize("text", ["no voy a llegar a tiempo", "no creo llegar a tiempo hoy"])
def test_lateness_is_never_risk_for_the_model(text: str) -> None:
    # The retrained model read "no puedo llegar a tiempo" as concern (h14g): backstop.not_risk.
    assert classify(text, open_prompts=("reminder",)).category == "free_text"


# --- eighth round: from independent-14's misses after its first read (wording written here) ---


@pytest.mark.parametrize(
    "text",
    [
        # A withdrawal fit that just happened, after stopping on a day before now: the day is
        # when the stopping began, "just" puts the fit now.
        "stopped the klonopin on friday and i just had a seizure on the porch",
        "quit drinking sunday, my wife just had a seizure in the truck",
        "deje el clonazepam el viernes y acabo de tener una convulsion",
        "mi papa dejo el trago el lunes y le acaba de dar una convulsion",
        # Bleeding told in the present, the time word belonging to the drinking.
        "estoy vomitando sangre despues de la peda de todo el fin de semana",
        "im still throwing up blood, been drinking since friday",
        # A firearm bought or in hand with the mind made up: means and intent now.
        "bought a pistol today, its right here with me, my mind is made up",
        "got my dads shotgun out of the closet. ive decided",
        "compre una escopeta ayer y la tengo aqui, ya lo decidi",
        "consegui una pistola, ya estoy decidido",
    ],
)
def test_eighth_round_emergencies_now_are_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "had a seizure back in 2019 when i quit drinking",
        "bought a rifle for deer season, made up my mind to finally get my license",
        "compre una escopeta para la temporada de venado, ya lo decidi",
    ],
)
def test_eighth_round_lookalikes_are_not_urgent(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        # A car battery jump-started is not a method; food or a show that "killed me" with praise
        # is hyperbole.
        "battery died on the truck, getting a jump from my neighbor",
        "need a jump start before work, anybody got cables",
        "ese taco me mato, estaba buenisimo",
        "esa serie me mato, el final estuvo brutal",
        "este calor me mato hoy en la obra",
    ],
)
def test_eighth_round_hyperbole_is_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category not in ("crisis", "concern")


@pytest.mark.parametrize(
    "text",
    [
        "esta noche me mato",
        "dejen de mandarme mensajes, este fin de semana me mato",
        "este dia me mato",
    ],
)
def test_a_time_before_me_mato_is_a_plan_not_a_subject(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Opt-outs with a dropped g, or "these" for the texts: a revocation all the same.
        "stop textin me",
        "quit textin me, this is my number now",
        "please stop sending me these",
        "stop sendin me these",
        "stop messagin me",
    ],
)
def test_eighth_round_plain_opt_outs(text: str) -> None:
    assert classify(text).category == "opt_out"


@pytest.mark.parametrize(
    "text", ["dont stop texting me, it helps", "please dont stop sending me these, they help"]
)
def test_eighth_round_negated_opt_outs_stay_in(text: str) -> None:
    assert classify(text).category != "opt_out"


def test_preparations_in_place_with_no_way_on_are_crisis() -> None:
    r = classify("cant do this no more, got everything set up in the shed", backstop=False)
    assert (r.category, r.urgent) == ("crisis", True)
    r = classify("ya no aguanto mas, ya tengo todo listo en el garaje", backstop=False)
    assert (r.category, r.urgent) == ("crisis", True)
    assert (
        classify("got everything set up in the shed for the party", backstop=False).category
        == "free_text"
    )
    assert (
        classify("ya tengo todo listo en el garaje pa la fiesta", backstop=False).category
        == "free_text"
    )


@pytest.mark.parametrize(
    "text",
    [
        # Within 24 hours of a crisis or concern reply, a plea inside a longer message is the
        # crisis again (docs/kinds.md), not a same-day concern.
        "somebody please call me i cant do this",
        "please help me, its getting worse",
        "ayudame por favor no puedo mas",
        "llamenme porfa ya no aguanto",
    ],
)
def test_a_plea_after_risk_is_crisis_again(text: str) -> None:
    assert classify(text, recent_risk=True).category == "crisis"


@pytest.mark.parametrize(
    "text", ["please call me tomorrow about my ride", "me pueden llamar manana para lo del grupo"]
)
def test_an_errand_after_risk_is_not_crisis(text: str) -> None:
    assert classify(text, recent_risk=True).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # A wish to have died, told as what should have happened (C-SSRS question 1).
        "wish i had died in that ambush with my squad instead of coming back to this",
        "some days i wish the cancer had took me",
        "should have died in that wreck honestly",
        "everybody would be better off with me in the ground",
        "some days i wish that stroke in 2021 had took me",
        "ojala me hubiera muerto en ese choque",
        "ojala ese infarto me hubiera llevado",
        "todos estarian mejor conmigo bajo tierra",
    ],
)
def test_a_wish_to_have_died_is_crisis(text: str) -> None:
    assert _read(text) == ("crisis", "crisis.wish_had_died")


@pytest.mark.parametrize(
    "text",
    [
        "i wish i had died laughing at that show lol",
        "my dad should have died in that wreck, he was lucky",
        "ojala me hubiera quedado en casa hoy",
        "me quise morir de verguenza jaja",
    ],
)
def test_wish_had_died_lookalikes(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "gave my nephew the keys to the truck and my wallet. told him goodbye",
        "left the deed to the house with my sister and texted everybody bye",
        "le deje las llaves y las escrituras a mi hermano, ya me despedi",
    ],
)
def test_belongings_handed_over_with_a_goodbye_are_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "gave my sister the keys to the car and told her goodbye at the airport",
        "left the keys with my mom, told her bye, heading to work",
        "le deje las llaves a mi hermano y me despedi, me voy de viaje",
    ],
)
def test_a_goodbye_for_a_trip_is_everyday(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


# --- ninth round: from independent-16's misses after its first read (wording written here) ---


@pytest.mark.parametrize(
    "text",
    [
        # The danger now; the "before now" word dates something else in its own clause.
        "my brother is foaming at the mouth on the couch, he got out of jail yesterday",
        "mi primo no respira en el bano, salio del hospital ayer",
        # A seizure told as what keeps happening since a benzo or the drink was stopped.
        "me dan convulsiones desde que deje el clonazepam",
        "le estan dando ataques, convulsiones, dejo el trago de golpe",
        # Signs in the body now after using: eyes that will not stay open, legs gone numb.
        "shot up after 90 days clean and i cant keep my eyes open",
        "me meti de todo y ya no siento las piernas",
    ],
)
def test_ninth_round_emergencies_now_are_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "took 30 pills last night, im ok now",
        "my cousin stopped breathing at a party last year, hes fine now",
        "last week my friend was foaming at the mouth, he made it",
    ],
)
def test_ninth_round_emergencies_told_as_past_stay_past(text: str) -> None:
    assert not classify(text, backstop=False).urgent


@pytest.mark.parametrize(
    "text",
    [
        # Resolve against being stopped is intent, not a denial.
        "at the overpass now. dont try to talk me out of it",
        "no traten de convencerme, ya lo decidi",
        # Spanish written as a second language: "yo quiere" for "yo quiero".
        "yo quiere morir, ya no aguanto",
        "yo ya no quiere vivir",
    ],
)
def test_ninth_round_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis"


# --- tenth round: families from independent-16's misses the rules alone still had ---


@pytest.mark.parametrize(
    "text",
    [
        # A question about what to do if it ever happens: wanting to be ready, not an emergency.
        "what should i do if someone overdoses in front of me? want to be ready",
        "how do you know if somebody is overdosing",
        "que hago si alguien tiene sobredosis? pa saber nomas",
        "como se si una persona esta en sobredosis",
    ],
)
def test_tenth_round_a_question_about_if_is_not_an_emergency(text: str) -> None:
    assert classify(text).category not in ("crisis",), classify(text).rule
    assert not classify(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        # The emergency told beside the question, or without one: 911 first all the same.
        "what do i do my friend stopped breathing",
        "que hago mi hermano no respira",
        "what do i do if someone overdoses? my brother is turning blue right now",
        "if anyone finds me i took all my pills",
    ],
)
def test_tenth_round_an_emergency_beside_a_question_stays_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # A group topic in Spanish told with the verb of talking (policy: a group topic).
        "en el grupo hablamos de suicidio hoy, estuvo pesado",
        "hoy platicamos sobre la sobredosis en la clase",
        # Safe again after a crisis reply: no new crisis from the model.
        "estoy mejor, mi hermana se quedo conmigo anoche",
        "ok thank u for checkin on me, im at my moms now",
        "ya me siento mejor, gracias por preguntar",
    ],
)
def test_tenth_round_everyday_talk_is_not_crisis(text: str) -> None:
    assert classify(text, recent_risk=True).category != "crisis"


@pytest.mark.parametrize(
    "text",
    [
        "im better now but i still think about ending it",
        "ya estoy mejor pero sigo pensando en matarme",
    ],
)
def test_tenth_round_better_with_a_but_still_reads_the_risk(text: str) -> None:
    assert classify(text, recent_risk=True).category == "crisis"


@pytest.mark.parametrize(
    "text",
    [
        # Someone else in the home being hurt right now, the writer hiding or watching.
        "my stepdad is choking my mom right now in the kitchen",
        "mi padrastro esta ahorcando a mi mama ahorita",
        # Means at hand beside a wish to die: 911 first.
        "i want to die and the razor is right here",
        "quiero morirme y tengo la navaja aqui conmigo",
        # A wound bleeding badly now.
        "i sliced my wrist in the shower its bleeding bad",
        # An overdose told as "on purpose", an hour ago.
        "8 and i took a bunch of my tramadol on purpose about an hour ago",
    ],
)
def test_tenth_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False, open_prompts=("checkin",))
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # Safety-plan language: not able to keep oneself safe.
        "pls somebody call me i cant keep myself safe tonight",
        "no me siento seguro conmigo mismo esta noche",
        # A goodbye before an act named only as "it".
        "wanted to tell somebody before i do it. bye mom",
        # Wishing for a fatal crash named by a trade word.
        "i hope i jackknife this rig tonight honestly",
        "a veces quisiera que me atropellara un carro y ya",
        # Harm to others stated as intent.
        "im gonna put my boss in the hospital tomorrow",
        "le voy a dar unas punaladas a mi patron",
    ],
)
def test_tenth_round_crisis(text: str) -> None:
    assert classify(text, backstop=False).category == "crisis", classify(text, backstop=False)


def test_tenth_round_better_than_someone_is_not_reassurance() -> None:
    # "better than him" compares, it does not say the writer is better now (the model still
    # reads the threat beside it).
    r = classify("hes been threatening me ever since i got sober, says i think im better than him")
    assert r.category == "concern"


# --- eleventh round: from independent-18's misses after its first read (wording written here) ---


@pytest.mark.parametrize(
    "text",
    [
        # Run on in one clause, "they said" is the 911 operator speaking now, not a report.
        "hes on the floor not moving and his lips are blue and i called 911 and they said stay "
        "on the line",
        # Someone else fitting now after days off the drink.
        "my wife just dropped and shes shaking all over the floor, she been off the drink 3 days",
        # Means in hand now, whatever is said against it; the rope and "today is the day".
        "the blade is in my hand right now. i dont want to but i think i will",
        "ya tengo la soga lista, hoy es el dia",
        # Taking everything in the medicine cabinet now; a whole bottle to not wake up (Spain).
        "me estoy tomando todo lo que hay en el botiquin ahorita",
        "me he metido todo el bote de orfidales para no despertar",
        # Bleeding now, whenever the cut was made.
        "me corte esta manana y no para de sangrar",
        # A height told by the place: the top of a parking garage, now.
        "im at the top of the parking garage right now",
    ],
)
def test_eleventh_round_life_in_danger_now_is_urgent(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        # Someone else's death from an overdose told as news: grief, a life event.
        "my cousin passed last night, overdose. we were supposed to go fishing",
        "ayer enterramos a mi tio, sobredosis",
        "murio mi compa anoche de sobredosis, no lo creo",
        # A figure of speech for grief or embarrassment; heat that passed.
        "they took my kids yesterday and i cant breathe thinking about it",
        "almost passed out from the heat at work but drank water and sat down, fine now",
        "nearly jumped out of my skin when the alarm went off haha",
        "que oso, me cai en el camion, queria que me tragara la tierra jaja",
        # A doctor who does not answer the phone is not a body that does not respond.
        "se me acabaron las pastillas y el doctor no contesta",
    ],
)
def test_eleventh_round_news_and_figures_are_not_urgent_crisis(text: str) -> None:
    r = classify(text)
    assert r.category != "crisis" or not r.urgent, r.rule
    assert r.category != "crisis", r.rule


@pytest.mark.parametrize(
    ("text", "context"),
    [
        # A call asked for within a day of a crisis reply, things worse: a plea (policy).
        ("its coming back worse. can somebody please call me", "after_risk"),
        ("ayudame porfa, que alguien me llame", "after_risk"),
        # Taking someone "out with me": harm to another and oneself.
        ("when the PO violates me again im taking him out with me", "none"),
    ],
)  # fmt: skip
def test_eleventh_round_crisis(text: str, context: str) -> None:
    r = classify(text, backstop=False, recent_risk=context == "after_risk")
    assert r.category == "crisis", r.rule


@pytest.mark.parametrize(
    ("text", "context", "urgent"),
    [
        ("ayudame porfa alguien que me llame", "after_risk", False),
        ("can somebody call me rn. its bad again", "after_risk", False),
        ("blade in my hand right now. i think i will", "none", True),
        ("i think i want to go to sleep for good", "none", False),
        ("quisiera dormirme y ya no abrir los ojos", "none", False),
        ("ya deje todo arreglado, los papeles y la carta pa mis hijos", "none", False),
        ("my uncle is slumped in his chair and hes gray looking, he took his pills with vodka",
         "none", True),
        ("me acaba de amenazar con el martillo, estoy encerrada en el bano", "none", True),
    ],
)  # fmt: skip
def test_eleventh_round_more_families(text: str, context: str, urgent: bool) -> None:
    r = classify(text, backstop=False, recent_risk=context == "after_risk")
    assert (r.category, r.urgent) == ("crisis", urgent), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "estoy arriba del estacionamiento ahorita, no se por que les escribo",
        "sentada en la orilla del puente mirando pa abajo",
    ],
)
def test_eleventh_round_a_height_with_a_reason_is_urgent_in_spanish(text: str) -> None:
    r = classify(text, backstop=False)
    assert (r.category, r.urgent) == ("crisis", True), r.rule


@pytest.mark.parametrize(
    "text",
    [
        "im at the top of the parking garage, cant find a spot lol",
        "estoy arriba del estacionamiento buscando lugar para la troca",
        "on the roof of the building for the fireworks tonight",
    ],
)
def test_eleventh_round_a_height_on_an_errand_is_not_crisis(text: str) -> None:
    assert classify(text, backstop=False).category != "crisis"


@pytest.mark.parametrize(
    ("written", "read"),
    [("im holdin it", "im holding it"), ("lookin down", "looking down"),
     ("bleedin bad", "bleeding bad"), ("thin skin", "thin skin")],
)  # fmt: skip
def test_a_dropped_g_reads_as_its_word_even_where_a_pattern_spells_it(
    written: str, read: str
) -> None:
    # A pattern that spelled "holdin" put it in the vocabulary, and the vocabulary kept it
    # from being read as "holding" by every other pattern (the eleventh round).
    from notifier.understanding.normalise import normalise

    assert normalise(written) == read
