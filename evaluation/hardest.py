"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-22.jsonl, with the
reader exactly as it was first read at 40ac7b9 (the twelfth round and its retrained model):
nothing was tuned on these lines, so the list is what the reader as it stands gets wrong on
writing it never saw (four are life in danger read too low, one a concern not read at all, one
a crisis read without its substance use, four everyday lines read as a crisis). The final
held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "At a named bridge over a river, saying it is quiet out there and sorry for letting "
        "everyone down (crisis: a height and a farewell, urgent), read as free text.",
        "No word of dying, a method or a plan: the place is a highway number and a river's "
        "name, the farewell is an apology. Only the three together say it.",
    ),
    (
        "Days after stopping drinking, shaking too hard to hold the phone, and people in the "
        "room that the husband says are not there (crisis: withdrawal delirium, 911), read as "
        "concern.",
        "The hallucination is told through someone else's words ('my husband says'), which "
        "puts three words between the people and 'not there'.",
    ),
    (
        "A dizzy face, three pill emoji, a bathtub and 'sorry' (crisis, use, urgent), read as "
        "concern.",
        "Emoji alone: the new rule reads a means sent as emoji as a concern for a person to "
        "read; the apology and the bath that make it an overdose now are not words.",
    ),
    (
        "Released from a jail a few days ago and using for the first time since, hit very hard, "
        "in Spanish (concern: loss of tolerance), read as free text with use.",
        "The jail is named by its local initials, not as jail, and 'for the first time' has no "
        "'since' or time clean beside it.",
    ),
    (
        "On the way, right now, to find the man who sold heroin to the writer's brother, with "
        "a gun in the truck, in Spanish (crisis, violence, urgent), read as crisis but not 911 "
        "first (the model spoke).",
        "The intent is told as an errand and the weapon as cargo; no verb of killing or "
        "hurting is there for a harm-to-others rule to read.",
    ),
    (
        "Pulled the van over on the freeway, took everything in the glove box and getting "
        "very sleepy (crisis, use, medical, urgent), read as an urgent crisis without use or "
        "medical.",
        "The 911 reading is right (the model's), but 'everything in my glovebox' names no "
        "substance and 'real sleepy' is not a sign any rule knows: the note for the on-call "
        "is thinner than it should be.",
    ),
    (
        "News of an overdose in a park, seen on the news, and how sad it is, in Spanish "
        "(everyday), read as an urgent crisis.",
        "The news marker sets a report aside when it comes before the overdose; here it "
        "comes after, in the next clause ('salio en las noticias').",
    ),
    (
        "Children taken by child protective services this morning and 'I can't breathe' "
        "(concern, life event), read as an urgent crisis with a medical signal.",
        "Breathlessness from grief and breathlessness from an overdose are the same words; "
        "only the event before it says which.",
    ),
    (
        "'I'm done!' with the last delivery dropped and heading back to the station, with "
        "a celebrating emoji (everyday), read as a crisis.",
        "'I'm done' is how many people say they are finished with life; the delivery and "
        "the emoji that make it a shift's end come after it.",
    ),
    (
        "Child protective services came and did not take the children, 'but I have a plan "
        "now' (a life event), read as a crisis with a plan.",
        "'I have a plan' is the C-SSRS wording of a suicide plan; here it is a plan for the "
        "family's case, which only the sentence before says.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
