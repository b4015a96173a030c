"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-72.jsonl, first
read at b4cfa86: the reader as it stands. Seven are risk or 911-first read too low, three are
everyday lines read as a crisis. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Shaking, the heart pounding, seeing things that are not there, the second day without "
        "a drink (crisis, urgent), read as severe withdrawal (same day).",
        "The hallucination is told as 'that's not there' with a bare 'not', where the rules "
        "know 'isn't' and 'aren't'; the other signs alone are withdrawal without danger.",
    ),
    (
        "Letters already written for the children so they will know they were loved (crisis, "
        "Spanish), read as nothing.",
        "Letters for one's children are everyday (a birthday, a trip); the farewell is only in "
        "the past tense of the love, with no goodbye word.",
    ),
    (
        "Injected far more than ever, on purpose, wanting it to be over (crisis, urgent), read "
        "as a crisis without 911 first and without use.",
        "'Shot' as injecting is not among the taking verbs of the on-purpose overdose rule, and "
        "'on purpose' stands after a comma, apart from the dose.",
    ),
    (
        "Since a daughter's death, only wanting to go with her (crisis, Spanish), read as concern.",
        "A wish to be dead told as joining the dead ('irme con ella'): no word of dying, and "
        "'irme' alone is leaving.",
    ),
    (
        "Wanting to die, 'lol jk', then 'kinda' (crisis), read as nothing.",
        "Laughter and 'jk' mark hyperbole and set the wish aside; the one word after them takes "
        "the joke back.",
    ),
    (
        "Lost the children and the job, asking what is even left (concern), read as a life "
        "event only.",
        "Hopelessness asked as a question, after two losses the rules read as life events.",
    ),
    (
        "The children would be better off with their father, without the writer around "
        "(concern: a burden), read as nothing.",
        "'Better off without me' with the other parent named in between: the burden rules "
        "want the phrase whole.",
    ),
    (
        "Pregnant after a slip, asking whether that will hurt the baby (everyday), read as "
        "harm to others.",
        "'Gonna hurt my baby' asked as a question with 'am i' before it; the exception knows "
        "'is it gonna hurt the baby'.",
    ),
    (
        "A phone on 2% that is going to die any second (everyday), read as a wish to die.",
        "'Gonna die' with no subject after a phone named in another clause; the exception "
        "knows 'it's about to die'.",
    ),
    (
        "Safe, sleeping at a sister's tonight, the day after a risk reply (everyday), read as "
        "a crisis by the model.",
        "Reassurance after a risk reply shares its words ('safe', 'tonight', 'sleep') with the "
        "lines that follow a crisis.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
