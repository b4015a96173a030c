"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-18.jsonl, after its
one first read at 32894b8 (the tenth round merged) and after the rules-only pass that read
those misses (the eleventh round: tests "eleventh round" in
tests/unit/understanding/test_families.py). That pass fixed: an overdose told in one run-on
sentence with the 911 operator's "they said" in it (read as hearsay, nothing), a death told
first and "overdose" after it (read as an overdose now), grief that takes the breath away,
a doctor who does not answer the phone, someone who dropped and shook all over after days off
the drink, a whole bottle taken now in the Spanish of Spain, bleeding that will not stop, the
top of a parking garage with no reason to be there, a call asked for with things worse within a
day of a crisis reply, a threat to take a parole officer "out with me", and a dropped g spelt
in a pattern ("holdin"), which had kept every other pattern's "holding" from matching it. The
ten below are what the named rules still miss on that batch; the model retrained on all of dev
(these very lines included) reads all of them, which says little about the next author's
wording. The final held-out batches' misses were not read. ``python -m evaluation
--write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Being fine with the boat going down with the writer aboard this fishing opener "
        "(crisis: C-SSRS question 1), read as free text by the rules.",
        "The wish is told as acceptance of an accident at work ('id be ok with that'); the "
        "wish rules know 'if i died', not a boat that sinks with the writer on it.",
    ),
    (
        "A threat that a deck boss will not walk off the dock if he touches the writer's "
        "sister again (crisis: violence), read as free text.",
        "The harm is told by its result for him, in a conditional, with no verb of hurting; "
        "'i mean it' is the only sign it is not a figure of speech.",
    ),
    (
        "The whole house breathing easier with the writer in the ground (crisis: burden "
        "with death), read as free text by the rules.",
        "Burden is told by others' relief and death by a burial phrase; the burden rules "
        "know 'better off without me', not 'breathe easier with me in the ground'.",
    ),
    (
        "A rope at hand, 'today is the day', thanks for everything, in Colombian Spanish "
        "(crisis, urgent), read as free text by the rules.",
        "'Ya tengo la soga' names the means with no verb of hanging and no place; the day "
        "and the thanks are a farewell only together.",
    ),
    (
        "Drinking until falling down and not caring if the writer does not get up tomorrow "
        "(crisis: indifference to dying, with use), read as free text by the rules.",
        "'Si no me levanto mañana, ni modo' says indifference with a shrug word; the "
        "indifference rules know 'me da igual' and 'no me importa'.",
    ),
    (
        "Collapsed in a stockroom, shaking, shelves that seem to move, days after the last "
        "drink (crisis: withdrawal delirium, 911), read as free text by the rules.",
        "Each sign is ordinary alone ('fell out', 'shaking', 'looks like it's moving'); the "
        "delirium rules know bugs and people who are not there, not a room that moves.",
    ),
    (
        "Cold water off a dock looking peaceful tonight, an hour out there (crisis, urgent), "
        "read as free text by the rules.",
        "A place told as peaceful is also how people describe a nice evening; only the "
        "hour alone at night by cold water says otherwise.",
    ),
    (
        "A knife in hand outside a man's house, 'today he pays', in Colombian Spanish "
        "(crisis: violence, urgent), read as free text by the rules.",
        "'Me las paga' is a revenge idiom with no verb of hurting; the harm-to-others rules "
        "need one, and the knife rules read it as the writer's own means.",
    ),
    (
        "A check-in of 10 with 'I already know how. Tonight' in Spanish (crisis: plan), read "
        "as a check-in answer.",
        "The plan is told by its knowledge ('tengo pensado como') and a time, with no "
        "method or verb of dying; the score is read first.",
    ),
    (
        "Shooting everything left and not caring how it ends, alone in a motel (crisis, with "
        "use), read as free text by the rules.",
        "'Shoot' is the drug sense and 'how it ends' the indifference; the lethal-use rules "
        "know 'until my heart stops', not an ending left open.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
