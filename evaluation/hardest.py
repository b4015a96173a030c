"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-48.jsonl, first
read at a005d6f after the twenty-second round (nothing in the reader has changed since). Five
are risk read too low or not at all, five are everyday lines read as risk. The final held-out
batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A father with crushing chest pain and a cold sweat on the third day without a drink "
        "(crisis, urgent: Spanish), read as same-day withdrawal (concern).",
        "The withdrawal rule reads the days without drinking first and hands the body signs to "
        "a same-day call; chest pain in someone else, told beside withdrawal, needs the "
        "medical-emergency reading to win.",
    ),
    (
        "On a bender far from home, 'if I don't make it back, so be it' (crisis: indifference to "
        "dying while using), read as nothing.",
        "No word of death or of a method: 'make it back' and 'so be it' carry the indifference, "
        "and both are everyday words alone.",
    ),
    (
        "About ten Xanax taken 'to see if I wake up', with laughter and a laughing emoji "
        "(crisis, Spanish), read as nothing.",
        "Laughter is what makes the urgent rules stand down for hyperbole; here it sits beside "
        "an overdose told in earnest, and the rules cannot weigh which one the laugh belongs to.",
    ),
    (
        "A wish that a rockslide would take the writer out on the highway, 'lol, not even "
        "joking' (crisis), read as concern.",
        "'lol' marks hyperbole and 'not even joking' takes it back; the model weighs both and "
        "lands between the tiers.",
    ),
    (
        "A father's threat to beat the client before throwing them out if they go back to "
        "rehab, 'he did it before' (concern, safety), read as nothing.",
        "The threat is conditional and told in an idiom ('beat the hell out of'); 'kicking me "
        "out' is set aside as housing talk.",
    ),
    (
        "After a crisis reply, 'talked to the line but still bad' (concern, Spanish), read as "
        "nothing.",
        "Every word is everyday; only the context (a crisis reply yesterday) makes 'still bad' "
        "the same risk continuing.",
    ),
    (
        "After a crisis reply, pills handed to a spouse to hold as the program asked (everyday, "
        "English and Spanish), read as crisis by the model.",
        "Pills, a spouse and 'hold onto' are the words of a plan; the rules know means handed "
        "over for safe keeping, the model weighs the pill words.",
    ),
    (
        "Leaving for work in another state, 'this is my last week, I'll miss you' (everyday, "
        "Spanish), read as crisis by the model.",
        "A farewell in the words of one: only the job and the other state say it is a move.",
    ),
    (
        "So embarrassed in group 'I wanted to die, lol' (everyday), read as crisis.",
        "The wish is said outright; the embarrassment and the laughter make it hyperbole, and "
        "the rule keeps an explicit wish even beside laughter (safety first).",
    ),
    (
        "A husband relapsed and using in the garage, the writer staying at her mother's "
        "(everyday), read as concern by the model.",
        "Someone else's use told at home, in the present tense, with the writer leaving: the "
        "model reads the leaving as risk.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
