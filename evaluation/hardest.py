"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-99.jsonl, first
read at d03e11b: the reader as it stands (after the forty-first round). Six are risk or 911
first read too low, four are everyday lines read as a crisis. The final held-out batches'
misses were not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A stranger at a bus stop passed out and blue; the writer has naloxone from group but "
        "shaking hands, asking how (crisis, urgent), read as concern by the model.",
        "'Passed out blue' without 'and' or 'with' between: the rules know 'passed out and "
        "blue', 'lips are blue', 'turning blue', not the colour straight after.",
    ),
    (
        "Four days off alcohol, people whispering in the room, shaking, not knowing the day "
        "(crisis, urgent), read as severe withdrawal (concern).",
        "The people are there 'i swear' and heard, not seen; 'idk what day it is' is confusion "
        "the delirium rules word as not knowing where or who.",
    ),
    (
        "Passed out at work on the line after drinking before the shift (crisis, medical), "
        "read as use only.",
        "Fainting told as past with the cause after it, and the break room as care: the medical "
        "rules read fainting now or repeated.",
    ),
    (
        "Drinking alone and not caring what happens tonight (crisis, Spanish), read as using "
        "alone (concern).",
        "Indifference to what happens ('ni me importa lo q me pase') is not among the Spanish "
        "indifference phrasings, which name dying or waking.",
    ),
    (
        "Laughing, then 'I want to die, really, no joke, I can't anymore' (crisis, Spanish), "
        "read as ambiguous (concern).",
        "Laughter before the wish lowers it; 'no es broma' takes the laughter back after the "
        "wish, and retraction is only read before a match.",
    ),
    (
        "After a risk reply: no hospital, 'I just want this to end' (crisis, Spanish), read as "
        "concern by the model.",
        "'Que esto se acabe' is ambiguous (a day, a pain, a life); refusing the hospital beside "
        "it is what makes it crisis.",
    ),
    (
        "A mother gone three years from an overdose, a recipe of hers cooked tonight "
        "(everyday), read as an urgent crisis.",
        "'Been gone 3 years' dates the death without 'ago'; the history markers want 'years ago' "
        "or a year, so the overdose reads as now.",
    ),
    (
        "Today's group was about overdose and naloxone (everyday, Spanish), read as an urgent "
        "crisis.",
        "A group topic told as 'fue sobre' is not among the report words ('hablamos de', 'nos "
        "hablaron de').",
    ),
    (
        "A will updated and the children's things put in order, the lawyer's errand done "
        "(everyday), read as a crisis.",
        "Putting affairs in order is a 988 warning sign in the same words; only the lawyer and "
        "'felt good' say it is paperwork.",
    ),
    (
        "A closed bridge on the highway, take the other exit to group (everyday, Spanish), read "
        "as an urgent crisis by the model.",
        "A bridge named as a road shares the model's features with a bridge as a method.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
