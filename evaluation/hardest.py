"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-20.jsonl, with the
reader exactly as it was first read at 6677767 (the eleventh round and its retrained model):
nothing was tuned on these lines, so the list is what the reader as it stands gets wrong on
writing it never saw (four are life in danger read too low, two a concern not read at all,
four everyday lines read as a crisis with 911 first). The final held-out batches' misses were
not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "The last naloxone used on someone who is still not coming round (crisis, medical, "
        "urgent), read as free text with the naloxone signal only.",
        "Naloxone is read as a need for naloxone; that it was used and did not work, the "
        "sign an overdose is still under way, is told as 'not coming around', a phrase no "
        "unresponsive rule knows.",
    ),
    (
        "Blurred sight, a pounding heart, drenching sweat and voices of people who are not "
        "there, days after the last drink (crisis: withdrawal delirium, 911), read as concern.",
        "Each sign is one the withdrawal-concern rule knows; the hallucination ('hearing "
        "people that aint here') is the one that makes it delirium, and it is said in the "
        "writer's own words.",
    ),
    (
        "A husband who threatened to put the writer in the ground and is loading his rifle in "
        "the next room right now, in answer to a reminder (crisis, safety, urgent), read as "
        "concern.",
        "The weapon is being readied, not pointed or held at the writer; the danger-at-home "
        "rules read a weapon at or near the writer, and the model, not a rule, spoke.",
    ),
    (
        "Tremors, cold sweat and voices after stopping alprazolam all at once, in Spanish "
        "(crisis: benzodiazepine withdrawal, 911), read as concern.",
        "Benzodiazepine withdrawal is as dangerous as alcohol's; the Spanish delirium rules "
        "know bugs on the wall, not voices, and 'de golpe' reads as the concern pathway.",
    ),
    (
        "Missing group because the writer is at the emergency room with a son who broke his "
        "wrist at practice (a decline), read as an urgent crisis by the model.",
        "An emergency room and a broken bone are words of emergencies; whose emergency, and "
        "that it is ordinary, only the whole sentence says.",
    ),
    (
        "Ten hours on the kill floor and a smell that will not wash off (everyday talk at a "
        "meatpacking plant), read as an urgent crisis by the model.",
        "'Kill floor' is the trade's name for the slaughter line; the model weighs 'kill' "
        "and has never seen the trade.",
    ),
    (
        "Wildfire smoke so thick the writer can barely breathe outside, everyone in town "
        "coughing, with 'lol' (everyday), read as an urgent crisis with a medical signal by "
        "the model.",
        "Breathing words weigh towards an overdose; the laughter that sets a rule's match "
        "aside does not stop the model.",
    ),
    (
        "In hospital and kept overnight for observation, within a day of a crisis reply "
        "(free text: the writer is safe and cared for), read as a crisis by the model.",
        "After a crisis reply a hospital stay is the good news; the model reads hospital "
        "words as danger and does not know the context.",
    ),
    (
        "A pill emoji and a crying emoji, nothing else (concern), read as free text.",
        "Two symbols are below the model's word count and no rule reads emoji alone; a "
        "person would ask, and the reader files it for a person to read.",
    ),
    (
        "A third relapse this month and hating who the writer is (concern: self-hatred after "
        "a lapse), read as free text with use only.",
        "The self-hatred rule knows 'i hate myself', not 'i hate who i am', and a count of "
        "relapses is not one of its lapse words.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
