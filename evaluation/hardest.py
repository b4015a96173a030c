"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-64.jsonl, first
read at ac95773: the reader as it stands. Seven are risk or 911-first read too low, three are
everyday lines read as an emergency. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A brother-in-law loading his rifle now, saying he will shoot his ex when her shift ends "
        "(crisis, urgent), read as nothing beyond safety.",
        "Someone else's intent to kill, told by a witness: the violence rules read the client's "
        "own intent, the danger-at-home rules a threat against the client.",
    ),
    (
        "Locked in by a partner who says he will kill her with the knife, outside the door now "
        "(crisis, urgent, Spanish), read as abuse at home (same day).",
        "'Me tiene encerrada' and the knife are there, but the threat rule reads a threat "
        "told, and the weapon is named after the threat, not in hand before it.",
    ),
    (
        "Shaking, cold sweats and chest pain since stopping alcohol (crisis, urgent, Spanish), "
        "read as severe withdrawal (same day).",
        "Chest pain is a danger sign; inside a withdrawal list it reads as one more symptom.",
    ),
    (
        "That seizure feeling again after quitting benzos, already dropped once in the kitchen "
        "(crisis, urgent), read as severe withdrawal.",
        "A fall told as 'dropped' is the seizure already happening; the rules read 'that seizure "
        "feeling' as a memory.",
    ),
    (
        "A goodbye video for the children, set to post tomorrow (crisis), read as concern.",
        "A farewell scheduled through an app: no farewell verb, no 'letter', and 'set to post' "
        "is how people talk about everyday posts.",
    ),
    (
        "The rope taken out of the shed, 'tonight is it', thanks for trying (crisis, urgent), "
        "read as a crisis without 911 first.",
        "Means at hand and a time tonight: authors split on whether tonight is 911 now, and the "
        "rules follow the majority that says it is not.",
    ),
    (
        "'Better I die, then they stop suffering with me' (crisis, Spanish), read as concern.",
        "A wish to die told as a benefit to others: the burden rules read concern, and 'mejor "
        "me muero' is said with the family's suffering as its reason, not as a wish alone.",
    ),
    (
        "A brother's overdose death last night, found in his car (a life event), read as an "
        "urgent crisis.",
        "The death is told first and the overdose as one word after it; 'last night' dates the "
        "death, not the overdose.",
    ),
    (
        "A hurricane about to kill the whole garden (everyday), read as harm to others.",
        "'About to kill my' with an object that is a thing, not a person, after a subject that "
        "is weather.",
    ),
    (
        "Someone asking who keeps sending texts after they stopped them, while opted out "
        "(everyday), read as an urgent crisis by the model.",
        "Complaint words ('keeps', 'already') that the model has seen in crisis lines; an "
        "opted-out stranger's annoyance.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
