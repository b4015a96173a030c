"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-12.jsonl. The
first list (after its one first read at 4a30f47) was fixed whole by the seventh round, h14g: a
rifle named by its calibre across the knees, stones in the pockets at a pond, coffee-ground
vomit, a Spanish decline whose reason was a father with purple lips who would not wake, a
withdrawal fit after pills stopped on Monday, a gun bought 'not for hunting', a bottle hoped to
finish the writer off with laughing emoji, pills taken 'so I wouldn't wake up' with 'lol', a
decline for 'any other day' with peace made, a walk past a guardrail at an overlook. This list
comes from the batch's lines in the tuning quarters of dev that the named rules still miss after
that round (the dev-check quarter is not read line by line). The shipped model, trained on these
very lines, reads all but the last two and the medical sign of the fifth, which says nothing
about new wording: the rules are what generalises by family. The final held-out batches' misses were
not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A plan told only by a day and the children's absence, with no method or death word "
        "('it's figured out, Friday when the kids are at their dad's'; the same in Nicaraguan "
        "Spanish), crisis, missed by the rules.",
        "Every word is a weekend arrangement; the plan is what is left unsaid. Only the learned "
        "model, which has seen such lines, reads them.",
    ),
    (
        "Affairs put in order by errands: a tab paid off, passwords written down for a daughter, "
        "the deed in a drawer, 'won't be a bother' (and in Spanish the house papers and who keeps "
        "the dog, 'así no molesto a nadie'), crisis, missed by the rules.",
        "Each errand is everyday; the farewell is the sum and the last clause, which reads like "
        "politeness.",
    ),
    (
        "Tired of 'being here', then 'like here here', then 'alive' in three fragments "
        "(crisis: passive ideation), missed by the rules.",
        "The meaning is built across sentence fragments; a rule reads 'tired of being here' as "
        "the waiting room it usually is.",
    ),
    (
        "Mixing all the benzos with wine on purpose, with the letters on the counter (urgent), "
        "read as crisis but not urgent by the rules.",
        "The mix is a method now and the letters a farewell, but neither names a body sign or a "
        "weapon; 911 comes only from the urgent model.",
    ),
    (
        "A check-in score of 10 followed by 'took the pills already. All of them' (urgent, "
        "medical), read by the rules as a check-in answer.",
        "The score is a perfect answer to the prompt; the overdose is split over two fragments "
        "with no substance named.",
    ),
    (
        "The first night out of prison after two years, already thinking about the old spot "
        "(concern: tolerance lost), missed by the rules.",
        "The tolerance rule needs use, and there is none yet: only a place that means a dealer.",
    ),
    (
        "A positive fentanyl test strip on what was already taken, in Spanish with a grimace "
        "emoji (concern, use), read as use only.",
        "'La prueba dio positivo' is how a pregnancy or a COVID test is told; fentanyl is named "
        "before it, as what was tested for.",
    ),
    (
        "Pregnant and used tonight alone, afraid (Spanish; concern, use, pregnancy), missed by "
        "the rules.",
        "'Sola' comes after the time ('esta noche sola') where the using-alone rule looks for it "
        "right after the verb.",
    ),
    (
        "A decline because a brother died of an overdose on Sunday, told in three fragments "
        "('overdose.' alone) (decline, life event), read as a crisis now.",
        "A one-word sentence 'overdose' is the strongest overdose cue the rules have; whose "
        "death it was sits in the sentence before.",
    ),
    (
        "'Kill me, the bank line is endless' with a laughing emoji (Spanish; everyday), read as "
        "concern.",
        "The plea to be killed is a figure of speech about a queue; laughter sets the urgent "
        "rules aside, not the concern rule that reads 'mátame' as despair.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
