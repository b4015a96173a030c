"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-97.jsonl, first
read at 6d2d705: the reader as it stands (after the fortieth round). Six are risk or 911 first
read too low, four are everyday lines read as a crisis. The final held-out batches' misses were
not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "The man who hurt the writer's mother is in the next room and the writer has the knife; "
        "he will not hurt her ever again (crisis, urgent, violence), read as nothing.",
        "The intent is told as protection, with no verb of killing or stabbing: 'got the knife' "
        "and 'not gonna hurt my mom ever again' are each everyday alone.",
    ),
    (
        "After a risk reply: calmer now, but still meaning what was said about him, 'he's a "
        "dead man' (crisis, violence), read as nothing.",
        "The threat points back to an earlier message, and 'a dead man' is an idiom the rules "
        "read about someone else, not as a threat by the writer.",
    ),
    (
        "Tried to die years ago and again last month, never told anyone (crisis), read as "
        "concern by the model.",
        "The year told first marks the sentence as history; the recent attempt after 'again' "
        "is not read apart from it.",
    ),
    (
        "After a risk reply, the gun given to a friend to keep, 'but I still feel very bad' "
        "(concern, Spanish), read as nothing.",
        "The safety step sets the means aside, and the distress after 'pero' has no risk word "
        "of its own.",
    ),
    (
        "Tried before, years ago, and group talk about it gets to the writer (concern), read "
        "as nothing.",
        "'Tried' has no object: the attempt is only implied by the group topic.",
    ),
    (
        "Someone found lying in a rail yard, given naloxone and taken away; the writer needs "
        "another kit (naloxone only, Spanish), read as an urgent crisis by the model.",
        "A rescue told as done shares every word with one under way ('tirado', 'narcan'); no "
        "rule reads the ending ('ya se lo llevaron').",
    ),
    (
        "After a risk reply: safe, the mother is there and holds the pills (everyday), read as "
        "an urgent crisis by the model.",
        "A safety step names the means and the giving; the rules set aside 'took the pills out "
        "of the house', not 'gave her my pills to hold'.",
    ),
    (
        "A check-in of 8, a rough day, 'but I have a plan': a meeting at noon (a score), read "
        "as a crisis.",
        "'I have a plan' is C-SSRS question 5; the plan named after it is a recovery one.",
    ),
    (
        "Swears to kill a brother if he takes the truck again (everyday), read as harm to others.",
        "A kill threat with a trivial trigger is hyperbole to the author; the rule reads the "
        "same words as a conditional threat, the safer error.",
    ),
    (
        "Using again would kill the writer, so they will not (everyday), read as a crisis by "
        "the model.",
        "Death told as a reason to stay sober shares the words of indifference to dying.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
