"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-84.jsonl, first
read at f21e9d3: the reader as it stands (after the thirty-fourth round). Seven are risk, 911
first or a signal read too low, three are everyday lines read as a crisis. The final held-out
batches' misses were not read. ``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "A partner drunk and screaming, and the writer just heard him pull the knife out of the "
        "kitchen drawer (crisis, urgent), read as abuse at home only.",
        "The weapon is heard, not seen, and nobody says a threat: the danger-at-home rules want "
        "a threat said, an attack, or the weapon pointed.",
    ),
    (
        "Leaving work and driving straight into the sea, 'and that's it' (crisis, Spanish), "
        "read as nothing.",
        "A method told by a place and a car, with 'y ya' the only sign of an end; no word of "
        "dying, and 'manejar al mar' is an everyday outing.",
    ),
    (
        "Overdosed last night at a friend's, they brought the writer back with naloxone, home "
        "now and feeling like trash (crisis, not urgent), read as self-hatred after a lapse.",
        "'Narcanned' as a verb and the revival told as over; the naloxone rule wants an "
        "ambulance, a hospital or 'twice', since 'get me narcan' is a request.",
    ),
    (
        "Used after two years and was out for ten minutes until a friend found them, fine now "
        "(crisis), read as loss of tolerance (concern).",
        "An overdose told as 'out for ten minutes' without the word overdose: the rules read "
        "the use after clean time, not the body that stopped.",
    ),
    (
        "After a risk reply: 'it's tonight', and thanks for trying (crisis), read as concern by "
        "the model.",
        "Intent and a time with a farewell-like thanks; nothing names the act, and 'tonight' "
        "alone is everyday.",
    ),
    (
        "Thinks they overdid it, feels strange, eyes closing, alone (crisis, urgent, use, "
        "Spanish), read as urgent by the model but without use.",
        "'Me pasé' names no substance, so no rule carries the client's own use.",
    ),
    (
        "Overdid the pills and the alcohol and cannot breathe well (crisis, urgent, use, "
        "Spanish), read as urgent without use.",
        "'Se me fue la mano' is an idiom for too much; the use rules want a verb of taking.",
    ),
    (
        "'kms' with laughter about a phone dropped in a portable toilet (everyday), read as a "
        "crisis.",
        "'kms' is a crisis term by itself, and laughter does not lower it by policy: the safer "
        "error (README, 'Risk tiers').",
    ),
    (
        "After a risk reply, the gun taken out of the house as advised, the night spent at an "
        "aunt's (everyday), read as an urgent crisis by the model.",
        "A safety step shares its words with the means; the model reads 'gun' and 'took' and "
        "no rule set them aside.",
    ),
    (
        "A goodbye to the ranch crew for a new job in a campus kitchen (everyday, Spanish), "
        "read as a farewell.",
        "The new job is told as 'me cambio a la cocina', not among the job and moving phrases "
        "that set a goodbye aside.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
