"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.

Written by hand after tuning on the fourth author's batch (heldout-final.jsonl, now dev) and
from the rules-only misses on the tuning part of dev; dev-check is never read line by line, so
only its aggregate figures are cited. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A wish not to wake up told as a Spanish conditional ('if I don't wake up tomorrow, "
        "better'), read as tiredness (concern), not a wish to be dead (crisis).",
        "No death verb: the wish lives in the conditional and the word 'better'; a rule for "
        "it would also fire on plans for tomorrow morning.",
    ),
    (
        "A Spanish intent scheduled after a family event ('after my daughter's birthday I kill "
        "myself'), read as concern about someone else.",
        "Without accents the first-person 'I kill myself' and the figurative past 'it killed "
        "me' are the same letters, and a named relative comes just before it.",
    ),
    (
        "A plan for tonight in learner English with Tagalog particles ('I already decide, I "
        "will take all my pills tonight'), read as an overdose happening now (urgent).",
        "The tense markers are missing or non-standard; the words match an ingestion now. "
        "Crisis is right, 911 first is one step too far.",
    ),
    (
        "Self-harm in the Spanish progressive that has gone on since Monday, read as urgent.",
        "The progressive ('I am burning myself') reads as now; 'since Monday' turns it into a "
        "repeated behaviour (crisis, same-day), and the same 'since' keeps an overdose urgent.",
    ),
    (
        "Using everything one has with indifference to what happens, in Spanish, labelled crisis "
        "(not urgent) by the author and read as an overdose in progress.",
        "Where indifferent use ends and an overdose now begins is a clinical judgement; the "
        "reader errs toward 911, which the policy prefers to the reverse.",
    ),
    (
        "A near-attempt last night with the pills in hand, not taken: the reader adds 'use'.",
        "Means in hand and an ingestion share the substance words; only the denial at the end "
        "('I didn't do it') says nothing was taken.",
    ),
    (
        "Reassurance after a risk reply ('I'm safe now, thanks for checking on me') read as "
        "crisis by the learned backstop.",
        "Its words ('safe', 'checking on me', 'going to') occur mostly in crisis lines; the "
        "model cannot see that the message closes the episode.",
    ),
    (
        "A reminder answer that also tells of a cousin killed in another city and travel to "
        "the wake: read as a decline, the life event missed.",
        "One message answers a prompt and carries news; the prompt reading wins and 'they "
        "killed my cousin' is someone else's death, not a threat.",
    ),
    (
        "Not being able to stop thinking about using, with 'but I'm fine, I won't do it', in "
        "Spanish: read as concern (a denial that names the risk).",
        "'I won't do it' is the negated form of the intent phrase 'I'm going to do it'; the "
        "denial rule cannot tell a craving from suicidal intent without the object.",
    ),
    (
        "On dev-check, about one crisis line in twenty is read as free text (25 of 435 before "
        "this round's last changes): wording no rule knows, whose backstop score stays under "
        "the risk threshold.",
        "The backstop threshold is held by the false-alarm budget on everyday talk; lowering it "
        "further made the model read long nonsense and a chest cold as concern.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
