"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-86.jsonl, first
read at 4134f01: the reader as it stands (after the thirty-fifth round). Seven are risk, 911
first or a signal read too low, three are everyday lines read as a crisis. The final held-out
batches' misses were not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "After a long shift's news, sitting in the truck with a father's shotgun in the lap, "
        "thinking tonight might be it (crisis, urgent), read as nothing.",
        "The gun is 'in my lap' and the intent is 'tonight might be it': no verb of dying, no "
        "'loaded' or 'holding', and the danger comes after ordinary work talk.",
    ),
    (
        "Just injected what tested hot, starting to nod hard, nobody there (crisis, urgent, "
        "use), read as concern by the model.",
        "An overdose under way told in drug slang ('hot', 'nod'): the rules know using alone and "
        "a positive strip, not the body slowing in these words.",
    ),
    (
        "Day three without liquor, seeing things crawl on the walls, shaking too hard to hold "
        "the phone (crisis, urgent), read as severe withdrawal (concern).",
        "'Stuff crawl on the walls' is a hallucination without the words bugs, spiders or "
        "'not there' that the delirium rules know.",
    ),
    (
        "Eight of a mother's sedatives and four beers, floating, 'whatever if I don't wake up', "
        "with 'lol' (crisis), read as use only.",
        "Indifference to dying after a dose, with laughter: laughter lowers the overdose rules, "
        "and 'its whatever if' is not among the indifference phrasings.",
    ),
    (
        "After a risk reply, what was needed bought and in the truck, 'tonight' (crisis, "
        "urgent, Spanish), read as a crisis without 911 first.",
        "The means is 'lo que necesito' (never named); the after-risk means rule wants the "
        "method's word.",
    ),
    (
        "Woke up this morning and thought 'not again' (crisis, Spanish), read as nothing.",
        "A wish to be dead told as dismay at waking; 'otra vez no' is everyday without the "
        "waking before it.",
    ),
    (
        "A father who beat the children, coming up in group (concern: abuse before now), read "
        "as nothing.",
        "Abuse in childhood told as 'used to beat us' (the first person plural): the rule wants "
        "'me'.",
    ),
    (
        "Danced sober at a powwow, 'thought I was gonna die' of tired legs, with 'lol' "
        "(everyday), read as a crisis.",
        "'I was gonna die' is read by the ideation rules; tired legs are not among the "
        "hyperbole settings, and laughter does not lower ideation (the safer error).",
    ),
    (
        "A tornado over the town last night, the family in the cellar, the house fine "
        "(everyday), read as an urgent crisis by the model.",
        "Disaster words (went over, cellar) share the model's features with danger now; no rule "
        "set them aside.",
    ),
    (
        "After a risk reply, still here, thanks for not leaving the writer alone (everyday, "
        "Spanish), read as a crisis by the model.",
        "Reassurance after a risk reply shares its words with the lines that follow a crisis "
        "('sigo aqui', 'solo').",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
