"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-34.jsonl, with the
reader exactly as it was first read at ca94117 (the eighteenth round, the reader as it stands:
nothing was tuned on these lines), so the list is what the reader gets wrong on writing it
never saw (seven are life in danger or a crisis read too low or not at all, one a wish to be
dead in a language the reader does not know, two everyday lines read as an urgent crisis).
The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A partner with the shotgun out saying he will do it tonight, the writer hiding in "
        "the bathroom (crisis, urgent), read as concern.",
        "'Do it' is his suicide or an attack on her, and the weapon is his; the rules read a "
        "weapon pointed at the writer, or a partner's threat to kill her, not this.",
    ),
    (
        "Medicines taken home from work for a month, all of them to be used at once tonight "
        "(crisis, urgent), read as free text.",
        "'Wasted meds' is the hospital's word for leftover doses; the overdose is planned in "
        "a plain sentence with no substance name and no word of dying.",
    ),
    (
        "A friend's rifle handed over to hold 'because he won't need it', and the friend not "
        "answering (concern: a friend at risk), read as free text.",
        "The farewell and the means are someone else's, told as a favour; no rule reads a "
        "weapon given away as a warning sign in another person.",
    ),
    (
        "A wish not to wake up tomorrow written in Tagalog, then 'sorry for the drama' in "
        "English (crisis), read as free text.",
        "The reader knows English and Spanish only; a third language falls to the model, "
        "which has never seen it.",
    ),
    (
        "'Just waiting till everybody falls asleep', within a day of a crisis reply (crisis, "
        "urgent), read as a crisis without 911 first.",
        "The moment is named but the act is not: the imminent reading needs a preparation or "
        "a plan in the message itself, and here it is in the conversation before.",
    ),
    (
        "Fifteen sedatives taken last night 'to see what would happen', woke up on the floor, "
        "'whatever', with laughter (concern), read as free text with use.",
        "Past, laughed off and indifferent: every marker lowers it, and together they are "
        "what a counselor would call the day's most worrying message.",
    ),
    (
        "A cousin's suicide last winter, thinking of going the same way, and knowing where "
        "his gun is (crisis), read as concern.",
        "The sentence about the cousin (someone else, the past) sets the tone; the writer's "
        "own wish and the means follow in sentences of their own.",
    ),
    (
        "Drinking by the water tonight, not going home, 'it's ok' (crisis, urgent), read as "
        "concern.",
        "A place, a night and a reassurance: the plan is told as an evening out.",
    ),
    (
        "Sitting in the truck with the engine running to warm it up, four degrees out, there "
        "in fifteen minutes (everyday), read as an urgent crisis.",
        "A running engine in a closed space is a method the rules know; the cold and the "
        "arrival time that make it a winter morning come after.",
    ),
    (
        "A friend from the mine who died last night, said to be an overdose (a life event), "
        "read as an urgent crisis.",
        "Someone else's overdose told as hearsay after his death; 'last night' and 'they say' "
        "did not set it aside.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
