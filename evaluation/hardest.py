"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-40.jsonl, first
read at 143d510 (the twenty-first round) and read again with the reader as it stands (four
life-in-danger families were mended after that read: a seizure just now after a benzo ran
out, beating on the door with a weapon, delirium tremens and a closing throat told in
Spanish; tests/unit/understanding/test_after_the_final_read.py). What remains is one
emergency without 911 first and nine over-readings, six of them sending 911 where a
counselor's call was the policy. The final held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Within a day of a crisis reply, everything is ready and with the writer to do it "
        "tonight, and they cannot take any more (crisis, urgent), read as a crisis without "
        "911 first.",
        "'Everything' and 'it' point back to the conversation; the imminent reading needs the "
        "means named in the message itself.",
    ),
    (
        "The fifth anniversary of a suicide attempt, 'this week is always hard', with no "
        "score (concern), read as an urgent crisis.",
        "'Tried to kill myself' is an attempt told in the words of one just made; the "
        "distance is in 'it's been five years since', a form the history markers miss "
        "before the match.",
    ),
    (
        "A friend's overdose last week, out of hospital and going to treatment, told as good "
        "news (everyday), read as an urgent crisis.",
        "Someone else's overdose dated last week is kept as a friend at risk; the good news "
        "after it is what makes it history.",
    ),
    (
        "A craving at ten while coworkers passed a bottle round all night, and the writer "
        "did not drink (a check-in answer), read as an urgent crisis by the model.",
        "Every word of danger is there (a bottle, all night, 'god I wanted to'); only the "
        "refusal says it is a craving, and the model weighs words, not the refusal.",
    ),
    (
        "Offered drugs by a user on the corner and said no, 'I'm in another place now' "
        "(everyday, Spanish), read as an urgent crisis by the model.",
        "A dealer's word and an offer outweigh the refusal in a bag of words.",
    ),
    (
        "Self-hatred after using with cousins after a brother's funeral (concern and a life "
        "event), read as an urgent crisis.",
        "A death, use and self-hatred together look like the overdose family to the model; "
        "the policy keeps self-hatred after a lapse at concern.",
    ),
    (
        "'lol I want to die' because a child washed the phone (everyday), read as crisis.",
        "The wish is said outright; the laughter and the trivial cause are what make it "
        "hyperbole, and the rule keeps an explicit wish even beside laughter (safety first).",
    ),
    (
        "A call asked for because of a craving the writer does not want to act on (a "
        "callback, Spanish), read as crisis by the model.",
        "'Necesito que alguien me llame' beside a wish to use reads like a plea; the policy "
        "makes it a call-back, not a crisis.",
    ),
    (
        "A dog sniffing round the woodpile for a skunk (everyday), read as crisis by the model.",
        "'Sniffing' is a word of use, and the model has seen it in overdoses; nothing else in "
        "the message is risky.",
    ),
    (
        "Thrown out by a wife and living at a camp with no power (a life event), read as "
        "abuse at home (concern).",
        "'Kicked me out' is what an abusive partner does in other lines; losing housing is a "
        "life event for the case manager, not a safety call.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
