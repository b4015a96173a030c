"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-24.jsonl, with the
reader exactly as it was first read at ecfa5d4 (the thirteenth round and its retrained model):
nothing was tuned on these lines, so the list is what the reader as it stands gets wrong on
writing it never saw (four are life in danger read too low, one a concern not read at all, five
everyday lines or a concern read as an urgent crisis). The final held-out batches' misses were
not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Off the drink since the weekend for the oil company's breath tests, bugs on the wall "
        "of the bunkhouse and shaking that will not stop (crisis: withdrawal delirium, 911), "
        "read as concern.",
        "The delirium rule knows bugs on the wall; the writer's own noun ('bunkhouse') stands "
        "between 'the' and 'wall', one word more than the pattern allows.",
    ),
    (
        "A greeting naming the writer and the Tuesday group, then a partner who took a lot of "
        "something, is not making sense and has gray lips (crisis, medical, urgent), read as "
        "a friend at risk (concern).",
        "The group named in the greeting reads as a report of someone else's story; the "
        "emergency comes after it in one run-on sentence.",
    ),
    (
        "A vial and a syringe brought home from the hospital, the writer sitting in the garage "
        "(crisis: means in hand, urgent), read as crisis but not 911 first.",
        "No word of dying, taking or intent: the means and the place are all there is, and "
        "only the model spoke.",
    ),
    (
        "'Goodbye' alone within a day of a crisis reply (crisis, urgent), read as crisis "
        "without 911 first.",
        "A farewell after a crisis reply is the last message before an attempt; the rule "
        "reads the farewell, not that nothing more may come.",
    ),
    (
        "What was left in a syringe pushed in the staff bathroom, asking for someone to check "
        "(crisis, use, medical, urgent), read as an urgent crisis without use.",
        "'Pushed' is injection slang that no use rule knows; the model caught the emergency, "
        "not what was taken.",
    ),
    (
        "A group session on overdose that was heavy but worth it (everyday), read as an "
        "urgent crisis with use.",
        "The group-topic markers know 'talked about' and 'in group'; 'group today on "
        "overdose' names the topic with a preposition.",
    ),
    (
        "A nurse telling of a patient who overdosed in the emergency room and was given "
        "naloxone twice (everyday), read as an urgent crisis.",
        "Someone else's overdose told at work: the patient is the subject, but 'tonight' "
        "puts it now and the 'we' who gave naloxone reads as the writer's own.",
    ),
    (
        "A neighbor who overdosed twice this month and a wish to keep naloxone at home "
        "(everyday, naloxone), read as an urgent crisis.",
        "'This month' is not a time the report rules know as past, so the neighbor's "
        "overdose reads as now.",
    ),
    (
        "Children who deserve a better mother and would be better off with their grandmother "
        "for good (concern: burden), read as free text.",
        "The burden is told without 'without me' or 'not me': the grandmother's name and "
        "'for good' carry it.",
    ),
    (
        "A roommate's stimulant snorted for the first time in a year, heart racing a little "
        "but fine (concern: loss of tolerance), read as an urgent crisis.",
        "A racing heart after use is a sign the symptom rule reads as an emergency; 'a lil' "
        "and 'im ok' that lower it come after.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
