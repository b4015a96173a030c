"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-32.jsonl, with the
reader exactly as it was first read at c58573e (the seventeenth round): nothing was tuned on
these lines before that read, so the list is what the reader got wrong on writing it never
saw (eight are life in danger read too low or not at all, two a concern not read). The
eighteenth round was tuned on this batch afterwards. The final held-out batches' misses were
not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "'I did it', and nothing else, within a day of a crisis reply (crisis, urgent), read "
        "as free text.",
        "Three common words: only the conversation before them (the program answered a "
        "crisis) says what 'it' is. The reader saw the after-risk context only for a plea.",
    ),
    (
        "'Sorry I lied earlier. I took them', within a day of a crisis reply (crisis, "
        "urgent), read as a crisis but not 911 first.",
        "'Them' are the pills named in an earlier message; the overdose is told by a pronoun.",
    ),
    (
        "'Help please, I already did it', in Spanish, after a crisis reply (crisis, urgent), "
        "read as a call-back only.",
        "The plea was read; the act, 'ya lo hice', has no verb of harm.",
    ),
    (
        "Something stronger than usual at a cousin's place, very sleepy, breathing slow, "
        "nobody else to text (crisis, urgent), read as concern (history).",
        "'Than what I'm used to' contains 'used to', a history marker ('I used to drink'), "
        "which dated the slow breathing as the past.",
    ),
    (
        "Overdid what was taken, cannot move the arms, everything going dark, alone in a car "
        "in a car park, in Spanish (crisis, urgent), read as concern.",
        "'Me pase con lo que me meti' names no substance and no amount, and the signs (arms, "
        "darkness) are not the ones the overdose rules know.",
    ),
    (
        "Sitting in the truck with a father's old pistol, thanking everyone for trying "
        "(crisis, urgent), read as free text.",
        "The weapon is 'with' the writer, not held or pointed, and the farewell is gratitude.",
    ),
    (
        "Keys and a bank card left with the pastor, the dogs fed, 'it's time' (crisis, "
        "urgent), read as crisis without 911 first.",
        "A handover and a moment; most authors label preparations without a method as crisis "
        "without 911, and the reader follows them.",
    ),
    (
        "Letters for everyone on the kitchen table and 'I already took what I needed to "
        "take' (crisis, urgent), read as crisis without 911 first.",
        "The overdose is told as a taking with no object; the farewell around it was read.",
    ),
    (
        "A friend who died of an overdose and 'it should have been me' (crisis by its author), "
        "read as a life event only.",
        "Survivor's guilt and a wish to be dead share the words; the policy reads every wish "
        "to be dead as crisis, and one earlier author read the same words as concern.",
    ),
    (
        "Asking God to call the writer home, very tired (crisis: a wish to be dead), read as "
        "concern.",
        "A religious wording of the wish; 'call me home' was not among the phrasings the "
        "passive-ideation rule knew.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
