"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-16.jsonl, after its
one first read at 988f480 (the ninth round's change merged) and after the rules-only pass that
read those misses (tests "ninth round" in tests/unit/understanding/test_families.py). That pass
fixed: an emergency dated by a "before now" word in another clause (someone foaming at the mouth
who got out of prison yesterday), seizures told as what keeps happening since a benzo was
stopped, a plea not to be talked out of it read as a denial, a calibre written with its dot
(".38") cut in two as a sentence end, a firearm held beside "everybody be better off", Spanish
written as a second language ("yo quiere morir"). The ten below are what the named rules still
miss on that batch; the model retrained on all of dev (these very lines included) reads all but
the first, which says little about the next author's wording. The final held-out batches'
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
        "A stepfather choking the writer's mother right now while the writer hides with the baby "
        "(crisis, safety, urgent), read as free text by the rules.",
        "The violence is against another adult in the home, witnessed now; the safety rules "
        "read the client as the one hurt, the unresponsive rules need someone not breathing.",
    ),
    (
        "Voices and moving walls four days after the last drink, hands that will not stop, alone "
        "in a motel room (crisis: withdrawal delirium, 911), read as free text by the rules.",
        "Each sign is told in the writer's own words ('the walls are moving'); the delirium "
        "list knows bugs and people who are not there, not a room in motion.",
    ),
    (
        "A hope to jackknife the truck tonight (crisis: a wish for a fatal crash), read as free "
        "text.",
        "The crash is named by a trade word, not 'crash' or 'accident'; the wish rule crosses "
        "hope with vehicles and crashing, not with a manoeuvre.",
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
        "A threat to stab a boss who kept three weeks' wages, in Spanish (crisis: violence), "
        "read as free text by the rules.",
        "'Dar unas puñaladas' is a noun of the wound with a light verb; the harm-to-others rule "
        "knows verbs of stabbing and killing.",
    ),
    (
        "A check-in 8 with a bunch of tramadol taken on purpose an hour ago (crisis, urgent), "
        "read as a check-in answer by the rules.",
        "The score comes first and the act is told as a count word with a medicine's name and "
        "'on purpose'; the overdose rule needs a number or 'all' beside an ingestion.",
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
