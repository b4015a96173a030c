"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-74.jsonl, first
read at 3b7dd5f: the reader as it stands. Seven are risk or 911-first read too low, three are
everyday lines read as a crisis. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "The car started in a closed garage, 'here I stay', instead of coming to group "
        "(crisis, urgent, Spanish), read as nothing.",
        "A method told by its setting (a running car, a closed garage) with no word of dying, "
        "inside a reminder answer ('no llego hoy').",
    ),
    (
        "A knife in hand and a man cornered in the kitchen, the writer fed up with him "
        "(crisis, urgent, Spanish), read as nothing.",
        "No word of killing: the intent is in 'acorralado' and the weapon; the harm-to-others "
        "rules want a verb of hurting.",
    ),
    (
        "A brother shaking all over, talking nonsense, seeing people in the closet, days after "
        "quitting drinking (crisis, urgent), read as severe withdrawal.",
        "Told about someone else in a long run-on: 'talking crazy' and 'there are people in the "
        "closet' are not among the delirium phrasings the rules know.",
    ),
    (
        "Taking everything that is left, no longer caring about dying (crisis, urgent, "
        "Spanish), read as a crisis without 911 first.",
        "The taking is in the progressive ('me estoy metiendo') and the indifference in another "
        "clause; the urgent rules want a dose taken or a body sign.",
    ),
    (
        "A brother-in-law touched the writer and threatened her if she tells (concern: abuse, "
        "Spanish), read as nothing.",
        "Sexual abuse told with the mildest verb ('me tocó') and a threat with no harm named.",
    ),
    (
        "An overdose long ago, remembered after today's group topic and feeling bad (concern, "
        "Spanish), read as use only.",
        "A past attempt told with 'hace mucho' reads as history; the distress now is one vague "
        "phrase ('me puse mal').",
    ),
    (
        "A check-in score, meth yesterday, and wanting to die of shame today (concern, "
        "Spanish), read as the score only.",
        "'Me quiero morir de la vergüenza' is the figure of speech the policy calls everyday; "
        "after a lapse the same words are self-hatred.",
    ),
    (
        "Safe, a sister here now, thanks for reaching out, after a risk reply (everyday), read "
        "as a crisis by the model.",
        "Reassurance after a risk reply shares its words with the lines that follow a crisis.",
    ),
    (
        "A cousin killed by an overdose on Sunday (a life event, Spanish), read as an overdose "
        "now.",
        "'Lo mató una sobredosis' puts the overdose as the subject of a past killing; the rules "
        "date the death only with words like 'murió' or a funeral.",
    ),
    (
        "A father who worked himself to death at the plant and now rests at home (everyday, "
        "Spanish), read as an urgent crisis by the model.",
        "'Se mató trabajando' is an idiom for overwork; the model reads 'se mató' as a suicide.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
