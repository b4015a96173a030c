"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-30.jsonl, with the
reader exactly as it was first read at 85fd179 (the sixteenth round): nothing was tuned on
these lines before that read, so the list is what the reader got wrong on writing it never
saw (two are life in danger read without 911 first, four a crisis or concern read too low or
not at all, four everyday lines read as a crisis). The seventeenth round was tuned on this
batch afterwards. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Injected more than ever before, and it is fine not to wake up (crisis, urgent), read "
        "as crisis without 911 first.",
        "The indifference to dying is read; that the dose is already in the body is told as "
        "a comparison ('more than i ever did'), not as an overdose.",
    ),
    (
        "On the second bottle of liquor and not caring what happens now (crisis, urgent), "
        "read as crisis without 911 first.",
        "Drinking with indifference is crisis by the policy; whether the amount already "
        "drunk is an overdose now is a judgement the words leave to the reader.",
    ),
    (
        "If the writer's wife leaves him for another man he will kill them both, in Spanish "
        "(crisis, violence), read as free text.",
        "The threat comes after a long condition; the harm rules allowed only a few words "
        "between 'si' and 'los mato'.",
    ),
    (
        "Since child protective services took the children nothing makes sense any more, in "
        "Spanish (concern: hopelessness), read as free text.",
        "'A mis hijos' (the children, an object after the verb) was read as the subject, so "
        "the hopelessness after it was someone else's.",
    ),
    (
        "Thinking on the ship channel how easy it would be to go over the rail and not come "
        "back up, then 'not gonna do nothing' (crisis by its author), read as concern.",
        "A method and a place with a denial after it: the policy reads a denial that names "
        "the risk as concern, the author as crisis. The line sits on the boundary.",
    ),
    (
        "The family would get the life insurance if something happened on the rig, 'that's "
        "not normal right' (crisis by its author), read as concern.",
        "A death imagined as an accident and its worth to the family: burden and a passive "
        "wish together, with no word of dying.",
    ),
    (
        "The usual buprenorphine taken, all fine, just running late, in Spanish (everyday), "
        "read as an urgent crisis.",
        "'Ya me tome ... todo' is how an overdose is told; here 'todo' begins 'todo bien'.",
    ),
    (
        "Blood-pressure pills taken, all fine, in Spanish (everyday), read as an urgent crisis "
        "by the model.",
        "'Ya me tome mis pastillas' opens many overdose lines; the model weighs the pills "
        "and the past tense, not the reassurance.",
    ),
    (
        "A letter written to a daughter for her quinceanera, cried like a baby (everyday), "
        "read as a crisis (a farewell).",
        "A letter to one's child is a farewell sign; the occasion after it is what makes it "
        "a celebration.",
    ),
    (
        "A television show that killed off a favorite character, with 'unalived' (everyday), "
        "read as a crisis.",
        "'Unalived' is the online euphemism for suicide and for killing; the show before it "
        "is a report the rule did not look back to.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
