"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-16.jsonl, after its
one first read at 988f480 (the ninth round's change merged) and after the rules-only pass that
read those misses (tests "ninth round" in tests/unit/understanding/test_families.py). That pass
fixed: an emergency dated by a "before now" word in another clause (someone foaming at the mouth
who got out of prison yesterday), seizures told as what keeps happening since a benzo was
stopped, a plea not to be talked out of it read as a denial, a calibre written with its dot
(".38") cut in two as a sentence end, a firearm held beside "everybody be better off", Spanish
written as a second language ("yo quiere morir"); a second pass (the tenth round) fixed a parent
choked in the kitchen now, a razor at hand beside the wish, a wrist bleeding badly, tramadol
taken on purpose an hour ago, "i cant keep myself safe", a goodbye "before i do it", a jackknifed
rig hoped for, threats to put a boss in hospital or to stab him, and what-if questions, group
topics and "estoy mejor" read as emergencies. The ten below are what the named rules still miss
on that batch; the model retrained on all of dev (these very lines included) reads all but the
first, which says little about the next author's wording. The final held-out batches'
misses were not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A wish to fall asleep at the wheel and not wake up at the next rest stop (crisis: "
        "C-SSRS question 1), read as free text.",
        "'Not wake up at' is how people tell of oversleeping an alarm; the wish rule sets it "
        "aside, and the place after it is a trucker's, not a bed.",
    ),
    (
        "Tools and truck keys handed to a nephew with a charge to look after his mother and "
        "'im tired' (crisis: preparations), read as free text by the rules.",
        "The farewell is an instruction to someone else, not a goodbye; the handover rule needs "
        "a farewell word beside the things given.",
    ),
    (
        "A hanging tried twenty minutes ago, cut down by a spouse, the writer at home now "
        "(crisis, medical, urgent), read as crisis without 911 first by the rules.",
        "'Tried to' with a method reads as a plan or an attempt told afterwards; that it was "
        "minutes ago, and the body may be hurt, is in a time phrase the rules do not weigh.",
    ),
    (
        "Voices and moving walls four days after the last drink, hands that will not stop, alone "
        "in a motel room (crisis: withdrawal delirium, 911), read as free text by the rules.",
        "Each sign is told in the writer's own words ('the walls are moving'); the delirium "
        "list knows bugs and people who are not there, not a room in motion.",
    ),
    (
        "Parked on the shoulder of a bridge named only by its proper name, right now, asking "
        "not to be talked out of it (crisis, urgent), read as crisis without 911 first.",
        "The place is a proper name ('the Walt Whitman'), not the word 'bridge', so the "
        "attempt-in-progress rules see no height; the resolve alone is not a means at hand.",
    ),
    (
        "The dog told goodbye and the back door left unlocked for the neighbour (crisis: "
        "preparation), read as free text by the rules.",
        "Both acts are everyday alone; only together, and before an absence nobody names, are "
        "they a farewell.",
    ),
    (
        "Pills counted and water ready, 'tonight I really do it' in Spanish (crisis, urgent), "
        "read as free text by the rules.",
        "The plan names no verb of dying: 'lo hago' refers back to an act the message never "
        "states; the means are staged, not taken.",
    ),
    (
        "Standing on a bridge looking down, wanting to leave this world, in Caribbean Spanish "
        "(crisis, urgent), read as crisis without 911 first by the rules.",
        "'Parao' is 'parado' with the d dropped, as it is said; the place rules know "
        "'parado en el puente', and the clipped form is one of many.",
    ),
    (
        "About fifteen Percocets taken, not caring any more, in Spanglish (crisis, use, "
        "urgent), read as crisis without 911 first by the rules.",
        "'Como 15' is 'about 15': the approximate word sits between the verb and the count, "
        "and the overdose rule reads a number right after the ingestion verb.",
    ),
    (
        "A dead brother's voice asking the writer to join him, and the writer thinking about it "
        "seriously (crisis), read as free text by the rules.",
        "The wish to die is the voice's, not the writer's; the rules read first-person wanting, "
        "and 'join him' names no death.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
