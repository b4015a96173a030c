"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-28.jsonl, with the
reader exactly as it was first read at a46e294 (the fifteenth round): nothing was tuned on
these lines before that read, so the list is what the reader got wrong on writing it never
saw (five are life in danger read too low, two a crisis or concern not read at all, three
everyday lines read as a crisis). The sixteenth round was tuned on this batch afterwards. The
final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A pistol in hand, by its regional name, just loaded, and 'don't look for me', in "
        "Spanish (crisis, urgent), read as concern by the model.",
        "'Escuadra' is the Sinaloa word for a pistol: no weapon word the rules knew, and no "
        "verb of dying beside it.",
    ),
    (
        "On a bridge over a canal, leaving now, with thanks to the counselor who listened, in "
        "Spanish (crisis, urgent), read as concern.",
        "The height rule wanted a reason beside the place; the reason here is a goodbye told "
        "as gratitude.",
    ),
    (
        "A borrowed handgun carried, knowing where the other man stays, 'tonight' (crisis, "
        "violence, urgent), read as crisis without violence or 911 first.",
        "The weapon is a number ('9') and the intent is an address and a time: no verb of "
        "hurting anywhere.",
    ),
    (
        "A shotgun carried out on the family plot and no wish to go on, in Spanish (crisis, "
        "urgent), read as crisis but not 911 first.",
        "The wish to die is read; that the means is in hand at that moment is told by "
        "'con la escopeta', a phrase of company, not of holding.",
    ),
    (
        "Going over right now to beat a man with a tire iron, already in the car (crisis, "
        "violence, urgent), read as crisis without violence.",
        "'Beat his ass' is a figure of speech as often as a threat; the tire iron and 'already "
        "in the car' make it real, and no rule joined them.",
    ),
    (
        "Wishing it had been the writer who died instead of a brother (crisis: a wish to be "
        "dead), read as free text.",
        "A wish to be dead told through someone else's death: grief and the wish share every "
        "word but 'me'.",
    ),
    (
        "Letters written for the children and left with a godmother, in Spanish (crisis: a "
        "farewell), read as free text.",
        "A rule set aside 'letters for my children' unless a place or 'just in case' followed, "
        "to spare everyday letters; here the handover follows.",
    ),
    (
        "A former emergency nurse who gave naloxone for twenty years and never thought she "
        "would be on this side of it (everyday), read as an urgent crisis by the model.",
        "Naloxone, the emergency room and a turn of fate: every word weighs towards an "
        "overdose, and the past tense is twenty years long.",
    ),
    (
        "The father's shotgun already sold, no more hunting, in Spanish (everyday), read as an "
        "urgent crisis by the model.",
        "Getting rid of a gun is the safe news a counselor hopes for; the model weighs the "
        "gun, not that it is gone.",
    ),
    (
        "A burn on the arm from the restaurant's flat-top, fine and only annoyed (everyday), "
        "read as a crisis (self-harm).",
        "'Burned my arm' is how self-harm is told too; the grill and 'im fine just annoyed' "
        "are what make it a kitchen accident.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
