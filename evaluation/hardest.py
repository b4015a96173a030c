"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-12.jsonl, after
its one first read at 4a30f47 (the sixth round merged): a batch nobody tuned on, read only once
measured. The final held-out batches' misses were not read. ``python -m evaluation
--write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A rifle across the knees and a bottle of whiskey drunk, told with 'figured you ought to "
        "hear it from me first' (urgent crisis), read as free text.",
        "Means in hand are named by a model number and a family tie, not a weapon word; the "
        "farewell is a courtesy phrase with no death word in it.",
    ),
    (
        "Standing at a pond with coat pockets full of stones and a watch left to a grandson "
        "(urgent crisis: a method now and a bequest), read as free text.",
        "Drowning is told only through the stones; the bequest reads like an everyday errand. "
        "Only the combination is a farewell, and no rule pairs a place with an object that way.",
    ),
    (
        "Vomiting what looks like coffee grounds and then bright red blood, dizzy (urgent "
        "medical), read as free text.",
        "The medical lexicon knows 'vomiting blood' but not its clinical description by colour "
        "and texture; 'coffee' is everyday talk.",
    ),
    (
        "A Spanish decline to a reminder because the father is on the sofa with purple lips and "
        "will not wake (urgent crisis), read as a decline.",
        "The reminder answer ('I can't come') is matched first; the emergency is in the reason "
        "clause. A decline's reason is not yet read for danger.",
    ),
    (
        "A relative fallen, shaking and foaming on the floor after stopping anxiety pills on "
        "Monday (urgent: a withdrawal seizure now), read as concern (withdrawal).",
        "'Stopped ... on Monday' is a past time that the withdrawal rule reads as the story's "
        "time; the seizure signs are in the present but in regional wording.",
    ),
    (
        "A handgun bought from a co-worker 'and it ain't for hunting' (crisis: means acquired), "
        "read as free text.",
        "Buying a gun is everyday in much of the country; the risk is in the negation of the "
        "harmless purpose, which no rule reads.",
    ),
    (
        "A wish that 'this bottle finishes me off' with laughing emoji, in English and Spanish "
        "(crisis: indifference to dying), read as free text.",
        "Laughter and emoji are the hyperbole markers that set figures of speech aside; here "
        "the wish is literal and the laughter is the mask the policy warns about.",
    ),
    (
        "A handful of sleeping pills taken 'so I wouldn't wake up', woke up anyway, 'lol' "
        "(crisis: an attempt last night), read as free text with use.",
        "The intent is in a purpose clause ('so I wouldn't wake up') and the laughter marks "
        "it as a joke to the hyperbole rule.",
    ),
    (
        "A decline 'for Thursday or any other day, I've made my peace with it' (crisis: a "
        "farewell), read as a plain decline.",
        "Every word is a decline's; 'made my peace' is the only farewell and it is an idiom "
        "also used for ordinary acceptance.",
    ),
    (
        "Walked past the guardrail at a mountain overlook, 'it's real quiet up here' (urgent "
        "crisis), read as crisis but not urgent.",
        "A height is named only by the place and the guardrail; the urgent rules want a method "
        "word with a now.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
