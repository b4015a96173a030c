"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-26.jsonl, with the
reader exactly as it was first read at bc42a9d (the fourteenth round and its retrained model):
nothing was tuned on these lines, so the list is what the reader as it stands gets wrong on
writing it never saw (three are life in danger or a crisis read too low, four a concern not
read at all, three everyday lines read as an urgent crisis). The final held-out batches'
misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Cleaning fluid from under the sink drunk, nothing more said (crisis: poisoning now, "
        "urgent), read as free text with use.",
        "The poison rules know bleach, antifreeze and drain cleaner by name; 'the cleaning "
        "stuff' names no product, and 'drank' reads as drinking.",
    ),
    (
        "The man who shot the writer's brother back on the block, the writer 'handling it "
        "tonight' with 'the hammer' already in hand (crisis: harm to others), read as free "
        "text.",
        "'Hammer' is street slang for a gun and 'handling it' for revenge: no verb of killing "
        "and no weapon word the harm rules know.",
    ),
    (
        "Letters written for everyone, the board and the dog left with a friend, going up the "
        "mountain pass tonight (crisis: preparations and a plan, urgent), read as crisis but "
        "not 911 first.",
        "Every sign is preparation (letters, things given away) and the act is told as a "
        "drive; the farewell rules do not treat 'tonight' after preparations as imminent.",
    ),
    (
        "The rope and the place ready, waiting only for everyone to fall asleep, in Spanish "
        "(crisis: means and a plan now, urgent), read as crisis but not 911 first.",
        "The means and the moment are both there; 'nomas espero que se duerman' puts the act "
        "minutes away without a word of now.",
    ),
    (
        "Hit with a cast-iron pan last week by a partner, then 'I'm fine, it's fine' "
        "(concern: abuse at home), read as free text.",
        "The weapon is a pan and the reassurance follows; the abuse rules know 'hit me' beside "
        "a partner word, and here the partner is only 'she'.",
    ),
    (
        "A slap in front of the children on Saturday, told in Spanish with a regional word "
        "for a slap (concern: abuse at home), read as free text.",
        "'Galletazo' is one of many regional words for a blow; the rules know 'me pego' and "
        "'me golpeo'.",
    ),
    (
        "Out of a named prison on Thursday and high on Friday (concern: loss of tolerance, a "
        "life event), read as free text with use.",
        "The prison is named by its town (Jessup) and 'came home' is how release is said; "
        "neither is a word the tolerance rules know.",
    ),
    (
        "Nobody is going to miss me, in DC English (concern: burden), read as free text.",
        "'Aint nobody gonna miss me' puts a double negative and the local address 'moe' "
        "around the burden rules' wording.",
    ),
    (
        "The overdose talk in group tonight, heavy but worth it (everyday), read as an urgent "
        "crisis with use.",
        "'Tonight' puts the overdose now; the group-topic markers know 'talked about' and "
        "'group today on', not 'the overdose talk in group'.",
    ),
    (
        "An uncle who died last night up north, thought to have overdosed (a life event), "
        "read as an urgent crisis with use.",
        "The death comes first, the overdose as hearsay after it ('they think'); an "
        "overdose with 'last night' about someone else still reads as the writer's.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
