"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand from the misses of the newest independent batch, independent-14.jsonl, after its
one first read at f164ecd (the seventh round, h14g, merged) and after the eighth, rules-only pass
that read those misses (tests "eighth round" in tests/unit/understanding/test_families.py). That
pass fixed: a withdrawal fit that "just" happened after pills stopped on Friday, a shotgun
fetched with the mind made up, everything set up in the garage with no way on, blood vomited
after a weekend's drinking, a wish to have died with the unit overseas, the grandchildren
better off with the writer in the ground, keys and a deed left with a brother and a goodbye,
pleas after a crisis reply, opt-outs with a dropped g, food and a series that "killed" the
writer with praise. The ten below are what the named rules still miss on that batch; the
model retrained on all of dev (these very lines included) reads all but the second and the
sixth, which says little about the next author's wording. The final held-out batches' misses
were not read. ``python -m evaluation
--write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A check-in score of 6 with not caring whether the writer makes it to Thursday (crisis: "
        "indifference to surviving), read as concern.",
        "Survival is told as making it to a day of the week, the words of an appointment; "
        "the indifference rule knows 'whatever happens' and 'dont care if i wake up', not a "
        "date with the week.",
    ),
    (
        "A cocaine binge last night that ended in the emergency room, discharged now (crisis), "
        "read as concern (tolerance loss).",
        "The danger is over in the telling and the writer is home; whether a near-fatal use "
        "yesterday is a crisis today is a policy question the label and the reader answer "
        "differently.",
    ),
    (
        "A first drink since leaving a VA detox in August (concern: loss of tolerance), read as "
        "free text.",
        "Tolerance loss is told through an institution's name and a month; 'first drink' "
        "alone is read as use only after a count of days or a release word.",
    ),
    (
        "First use after five months, a pick-up the night of a hospital discharge, a positive "
        "fentanyl strip on pills (concern with use), read as concern but without the use "
        "signal.",
        "'Did a small one', 'picked up' and a strip's result name the use only by slang the "
        "use lexicon takes for everyday errands; the risk is read, the use flag for the "
        "follow-up list is not.",
    ),
    (
        "An army friend's goodbye post and no answer on the phone (concern: someone else at "
        "risk), read as an urgent crisis.",
        "A farewell and a missing person read like the writer's own; the subject is a friend "
        "only in the first words. Over-triage: 911 first where a call to the friend would do.",
    ),
    (
        "A past attempt in 2012 remembered today with low mood (concern), read as crisis.",
        "'Intente quitarme la vida' is the active-ideation pattern; the year is read as the "
        "message's history only when it stands beside the verb.",
    ),
    (
        "A grandson high with a knife on the writer right now (urgent crisis with safety), read "
        "as urgent crisis without the safety signal.",
        "Safety at home is known for partners; a grandchild as the one with the knife does not "
        "make the discreet reply, though 911 goes first either way.",
    ),
    (
        "Chest like a bull standing on it and a numb left arm after days on 'crank' (urgent "
        "medical with use), read urgent but without use.",
        "'Crank' is methamphetamine in rural speech; the use lexicon does not know it, so the "
        "follow-up list does not show the use behind the emergency.",
    ),
    (
        "A combine broken down in the beans and a border bridge crossed on the way in (everyday), "
        "read as urgent crisis by the model.",
        "Farm machinery and a named bridge share words the model learned from methods and "
        "places of attempts; no rule fired, and the backstop has nothing to weigh against them.",
    ),
    (
        "Methadone run out three days ago with vomiting (concern: medication interrupted, "
        "withdrawal), read as an urgent crisis.",
        "Vomiting and running out read, to the model, like an overdose told backwards; the "
        "medication rule names the task but the model's urgent bar is crossed first.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
