"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-62.jsonl, first
read at 78bcfd7: the reader as it stands. Five are risk read too low or not at all, five are
everyday lines read as risk. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A pipe in the truck and on the way to a man's job, 'he's done' (crisis, urgent, "
        "violence), read as nothing.",
        "The weapon is an everyday tool and the threat is two words of slang; no verb of harm "
        "is said, only where the writer is going.",
    ),
    (
        "'I know what I'm going to do', tomorrow morning at the metro before work (crisis), read "
        "as nothing.",
        "A plan with a time and a place and no method named: the metro is the method, and "
        "'before work' sounds like a commute.",
    ),
    (
        "Bringing a gun to the job site tomorrow to 'handle it' with a crew leader stealing "
        "hours (crisis, violence), read as concern.",
        "Intent to harm said as 'handling it'; the gun and the grievance are there, the verb of "
        "harm is not.",
    ),
    (
        "Money spent on guaro on Friday, 'ya sé', with a check-in score (an answer with use), "
        "read as concern and the use missed.",
        "Use told through what the money went on, in Central American slang ('pisto' for money, "
        "'guaro' for liquor), beside a resigned 'I know'.",
    ),
    (
        "A court date to see whether the children come back (everyday, a life event), read as "
        "crisis by the model.",
        "'Ver si me devuelven' shares words with 'to see if I...' lines of risk; the court and "
        "the children are a life event, not danger.",
    ),
    (
        "People smoking crack in the building's hallway, not good for the children (everyday), "
        "read as an urgent crisis by the model.",
        "Other people's use where the writer lives; the model has learnt 'donde vivo' and "
        "'piedra' from crisis lines.",
    ),
    (
        "A check-in score with an Amharic blessing, 'still standing' (an answer), read as an "
        "urgent crisis by the model.",
        "A language the corpus does not hold, beside 'standing', which the model knows from "
        "people standing on ledges.",
    ),
    (
        "Watching a telenovela where a girl wants to kill herself, 'so sad' (everyday), read as "
        "concern about someone else.",
        "A character's wish told in the present tense; 'la novela' is the report, before the "
        "match, and is not among the words that mark media.",
    ),
    (
        "'I'm gonna die if my son doesn't stop singing that song' with a laughing emoji "
        "(everyday), read as crisis.",
        "Hyperbole with a condition on something everyday; the laughing emoji comes after the "
        "condition, not beside the words of dying.",
    ),
    (
        "Asking for the counselor to call to go over the safety plan, after a crisis reply (a "
        "call-back, everyday), read as concern.",
        "'Safety plan' and 'want to' after a risk reply are words of risk to the model; the "
        "request is the plan working.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
