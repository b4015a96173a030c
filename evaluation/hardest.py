"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-52.jsonl, first
read at 1b431a0 after the twenty-fourth round, and read again with the reader as it stands
(9cceb0f; independent-54 and final-25 were read there)
(one family was mended after that read: a weapon at hand and a threat to kill said now).
Seven are risk read too low or not at all, three are everyday lines read as crisis. The final
held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Within a day of a crisis reply, 'no, I'm not ok, still thinking about doing it' "
        "(crisis), read as concern.",
        "'Not ok' reads as the denial rule's hedge and 'doing it' names nothing; only the "
        "conversation says what 'it' is.",
    ),
    (
        "Three crying emoji and 'today is bad' (concern), read as nothing; the same in Spanish "
        "with two sad faces and 'not a good day for anything'.",
        "The emoji carry the weight and the words alone are everyday; emoji are sentence breaks "
        "to the rules and rare features to the model.",
    ),
    (
        "Within a day of a crisis reply, 'made it through the night, still don't feel right' "
        "(concern), read as nothing.",
        "Surviving the night is good news in most lines; the risk is in 'still' and the context.",
    ),
    (
        "Smoking meth since yesterday and 'I don't care if something happens to me' (crisis, "
        "Spanish), read as concern by the model.",
        "'Si me da algo' is the idiom for an overdose or a heart attack; no death word is said, "
        "so the indifference rule does not see it.",
    ),
    (
        "The methadone clinic closed and gave no dose, sick and vomiting (concern, medication, "
        "Spanish), read as nothing.",
        "The interruption is told as the clinic's act ('cerró y no me dieron mi dosis'), not in "
        "the words of running out the medication rule knows.",
    ),
    (
        "The children's father threatens to call immigration if she goes to the police "
        "(concern, safety, Spanish), read as nothing.",
        "Coercive control without a word of violence: the threat is a call, not a blow.",
    ),
    (
        "A wish to die laughed off after a phone went off in group, with a laughing emoji "
        "(everyday), read as crisis.",
        "The wish is said outright; the rule keeps an explicit wish even beside laughter "
        "(safety first), and only the trivial cause makes it hyperbole.",
    ),
    (
        "A speaker's story of her son's overdose made the room cry (everyday), read as an "
        "urgent crisis.",
        "Someone else's overdose told as a talk, with 'tonight' in the sentence: the report "
        "words ('talking about') stand before the match, the time word beside it.",
    ),
    (
        "Old work boots and coveralls offered to anyone in group (everyday), read as crisis "
        "by the model.",
        "Giving things away is a farewell sign; 'old' and 'if anybody needs them' make it a "
        "hand-me-down, and the rules' exceptions know clothes for charity, not for the group.",
    ),
    (
        "A pregnancy with a lapse on pills at the weekend, 'don't tell anyone' (everyday, "
        "pregnancy, use, Spanish), read as crisis by the model.",
        "Secrecy, pills and a lapse weigh like risk; the policy makes it a nurse's same-day "
        "flag, not a crisis.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
