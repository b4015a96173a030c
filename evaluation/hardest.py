"""The ten hardest misses that remain, described in words (not quoted) with why each is hard.
Written by hand from the misses of the newest independent batch, independent-50.jsonl, first
read at 0cc757c after the twenty-third round (nothing in the reader has changed since). Seven
are risk read too low or not at all, three are everyday lines read as crisis. The final
held-out batches' misses were not read.
``python -m evaluation --write-doc`` appends this section.
"""

from __future__ import annotations

HARDEST = (
    (
        "Fainted twice at work today from withdrawal and still dizzy (crisis, urgent), read as "
        "a same-day concern by the model.",
        "The fainting is told as done ('today', past tense) and withdrawal hands body signs to "
        "a same-day call; only 'still' says the danger goes on now.",
    ),
    (
        "Within a day of a crisis reply, nobody called back and the writer is 'still thinking "
        "about it' (crisis, a call-back asked), read as concern.",
        "'It' is the suicide of yesterday's message: the words carry no risk, the context does, "
        "and the missed call-back is the program's own failure to report.",
    ),
    (
        "'Better if I had died in the desert when I crossed' (crisis, Spanish), read as nothing.",
        "A wish to be dead put in the past conditional and tied to a migration: no present wish "
        "word, and 'cuando crucé' reads like history.",
    ),
    (
        "A brother dead of an overdose on Sunday, drunk every night since, 'I don't even care' "
        "(concern), read as nothing.",
        "Grief and use together are labelled everyday by some authors and concern by others; "
        "'don't even care' has no object to make it indifference to dying.",
    ),
    (
        "Within a day of a crisis reply, 'I said I was fine but it isn't true' (concern, "
        "Spanish), read as nothing.",
        "Every word is everyday; only the context makes taking back 'I'm fine' a risk.",
    ),
    (
        "'He reads all my messages, don't text me anything about the program' (concern, safety, "
        "Spanish), read as an opt-out.",
        "The monitoring rule wants the verb next to 'my messages'; 'todos' stands between, and "
        "the revocation that follows is honoured as asked.",
    ),
    (
        "Children taken by the agency, 'I have nothing left' (concern, a life event, Spanish), "
        "read as nothing.",
        "The agency is named as a group ('los del DSS') and the hopelessness is one common "
        "phrase that alone is everyday talk.",
    ),
    (
        "A team lost in overtime, 'I'm done, I'm deceased' with a skull emoji (everyday), read "
        "as crisis.",
        "'I'm done' is an ambiguous risk phrase and 'deceased' a death word; the skull emoji "
        "and the game are what make it a joke.",
    ),
    (
        "Within a day of a crisis reply, 'sorry about last night, I was drunk and talking crazy, "
        "I'm safe' (everyday), read as crisis by the model.",
        "Drunk, last night and crazy are the words of the crisis itself; 'I'm safe' at the end "
        "is the only sign it is over.",
    ),
    (
        "Naloxone asked for because a brother just out of jail is living with the writer "
        "(everyday, naloxone), read as an urgent crisis by the model.",
        "'Need narcan' and 'just got out of jail' are the words of an overdose after release; "
        "here they are preparation, and no one is in danger now.",
    ),
)


def block() -> str:
    rows = "\n".join(f"{n}. {what} *Why hard:* {why}" for n, (what, why) in
                     enumerate(HARDEST, 1))  # fmt: skip
    return "## The ten hardest misses\n\n" + rows
