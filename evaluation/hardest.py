"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-54.jsonl, first
read at 9cceb0f: the reader as it stands. Six are risk read too low or not at all, four are
everyday lines read as an urgent crisis. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Everything ready in the garage, 'tonight when everyone sleeps' (crisis, urgent), read "
        "as a crisis without 911 first.",
        "Preparation and a time are there, but neither the means nor the act is named; the "
        "urgent reading needs the means in the message.",
    ),
    (
        "Letters written to the children, everything ready here, goodbye (crisis, urgent, "
        "Spanish), read as a crisis without 911 first.",
        "A farewell with preparation is crisis by the rules; 'tengo todo listo aquí' is the "
        "means at hand without naming them.",
    ),
    (
        "Thinking again about a father's rifle in the closet, 'how easy it would be' (crisis), "
        "read as concern about someone else.",
        "'My dad's rifle' puts another person at the start of the clause, so the method reads "
        "as his; the client is the one thinking.",
    ),
    (
        "The family better off if the writer went back to the village and disappeared "
        "(concern), read as nothing.",
        "Being a burden told as a move home: 'went back to the village' is everyday, and "
        "'disappeared' after it is the only sign.",
    ),
    (
        "Stuck, no job, no truck, no way off the island (concern), read as nothing.",
        "Feeling trapped is a warning sign; the words are all everyday losses, and 'this rock' "
        "is local slang for the island.",
    ),
    (
        "Drinking every day since a brother died of an overdose, alone with the bottle now "
        "(concern, use, Spanish), read as nothing.",
        "Using alone now, told after grief: 'solo con la botella' holds no use verb the using-"
        "alone rule needs, and grief with use divides the authors.",
    ),
    (
        "A cousin's suicide last week, 'I'm ok, just numb', going to the funeral (everyday, a "
        "life event), read as an urgent crisis.",
        "'Took his own life' and 'numb' are words of an attempt and its symptoms; the past, the "
        "funeral and 'I'm ok' make it grief.",
    ),
    (
        "Five years to the day since an overdose, grateful to be alive (everyday), read as an "
        "urgent crisis.",
        "'I od'd' is told in the words of one just made; the distance is in '5 yrs ago today', "
        "which the history markers read as today.",
    ),
    (
        "News of a bad batch with three overdoses this week in a neighbourhood (everyday), read "
        "as an urgent crisis.",
        "Other people's overdoses told as news, with a question before them ('did you hear'): "
        "the report words stand apart from the match.",
    ),
    (
        "First snow on the mountains with a tired emoji, in local slang (everyday), read as an "
        "urgent crisis by the model.",
        "'Termination dust' is Alaskan for the first snow; the model has seen 'termination' "
        "only in ending things.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
