"""The 0-10 check-in score parser ("How strong are cravings today, 0-10?").

A score is found in the forms people write ("7", "7/10", "7 out of 10", "a 6", "like 8!!",
"seven", "it's a 4 today", "un 6", "como 8", "siete"), the higher end of a range ("7-8",
"7 or 8"). Out-of-range numbers ("12", "11/10", "-3") give None, never a clamp; so do times
("6pm", "6:30") and numbers that are not scores ("2 kids sick"). A score may stand in any one
sentence of a longer reply ("8, honestly i want to die"): the classifier still reads every
sentence for risk, so a leading score never hides what follows.

Number words come from the lexicons ([numbers]); the words people put around a score are part
of this small grammar and stay here.
"""

from __future__ import annotations

import re
from functools import cache

from notifier.understanding.lexicon import load
from notifier.understanding.normalise import surface

MAX_CHARS = 1600

# Words people put around a score: "it's a 4 today", "prob 3", "como un 7 hoy".
_LEAD = (
    "a|an|about|around|approx|approximately|roughly|like|maybe|prob|probs|probably|prolly|def"
    "|honestly|tbh|idk|um+|u+h+|h+m+|well|so|ok|okay|yeah|i|i'?d|would|say|said|think|guess"
    "|it'?s|it|is|was|i'?m|am|at|feeling|feel|cravings?|urges?|my|are|level|today'?s|today"
    "|tonight|right|now|rn|currently|still|only|just|solid|more|close|to|somewhere|pretty|much"
    "|the|number|score|rating|answer|between|hey|hi|lol|actually|make|that|sorry|oops|correction"
    "|un|unos|como|mas|menos|o|tipo|creo|que|yo|diria|digo|estoy|en|es|son|hoy|ahorita|ahora"
    "|los|las|mis|mi|nivel|de|pues|bueno|eh|este|alrededor|cerca|casi|aproximadamente|entre"
    "|ganas|antojos|la|el|numero|ya|si"
)
_TRAIL = (
    "today|tonight|now|rn|atm|right|honestly|tbh|lol|lmao|ha(?:ha)+|i|think|guess|maybe"
    "|probably|prob|tho|though|at|least|the|moment|most|max|so|currently|still|for|me|sadly"
    "|unfortunately|ok|okay|yeah|kinda|sorta|thanks|thank|you|thx|ty|cravings?|level"
    "|hoy|creo|mas|o|menos|gracias|ahorita|ahora|ya|hasta|el|momento|por|ahi"
)
_GAP = r"(?:[,:;.!?]*\s|[,:;.!?]+)"
_RANGE_SEP = r"\s*(?:-|~|to|or|o|u|a|y|and)\s*"
_OUT_OF = r"\s*(?:/|out of|outta|sobre)\s*10"
_CLAUSE_SPLIT = re.compile(r"(?:[^\w\s'/-]|_)+|\s-+\s")
_DIGIT = re.compile("[0-9]")


class _Grammar:
    def __init__(self) -> None:
        numbers: dict[str, int] = {}
        for lang in load().languages.values():
            numbers.update(lang.numbers)
        self.numbers = numbers
        num = "(?:[0-9]{1,3}|" + "|".join(sorted(numbers, key=len, reverse=True)) + ")"
        core = (
            rf"(?P<a>{num})(?:{_RANGE_SEP}(?P<b>{num}))?(?:\s*-?\s*ish)?"
            rf"(?:{_OUT_OF}|\s*(?:of|de)\s*10)?"
        )
        self.whole = re.compile(rf"(?:(?:{_LEAD}){_GAP})*{core}(?:{_GAP}(?:{_TRAIL}))*")
        # "N/10" or "N out of 10" is a score wherever it stands: "8/10 rough day".
        self.scale = re.compile(
            rf"(?<![\w.,/-])(?:(?P<a>{num})\s*(?:-|~|to|or|o|a)\s*)?(?P<b>{num}){_OUT_OF}"
            r"(?![0-9]|[.,][0-9])"
        )
        # "9 its bad today", "10. ive got the pills", "like a seven and i keep...": a score
        # leading a longer reply. Not "2 kids sick" (a count), "6:30" or "7.5".
        self.leading = re.compile(
            rf"(?:(?:{_LEAD}){_GAP})*{core}(?=[,.!?;:]*(?:\s|$)|[,.!?;]+(?![0-9]))"
        )
        self.any_number = re.compile(rf"[0-9]|(?<![^\W_])(?:{'|'.join(numbers)})(?![^\W_])")

    def has_number(self, text: str) -> bool:
        """``any_number.search(text)``, answered in C for the usual text without a digit or a
        number word: the regex tries its alternation at every character."""
        if _DIGIT.search(text) is not None:
            return True
        return any(map(text.__contains__, self.numbers)) and bool(self.any_number.search(text))

    def number(self, text: str | None) -> int | None:
        if text is None:
            return None
        return self.numbers[text] if text in self.numbers else int(text)

    def value(self, m: re.Match[str]) -> int | None:
        """The higher end of a range; None if any end is past 10."""
        values = [
            v for v in (self.number(m.group("a")), self.number(m.group("b"))) if v is not None
        ]
        if any(v > 10 for v in values):
            return None
        return max(values)


@cache
def _grammar() -> _Grammar:
    return _Grammar()


def score_of(norm: str) -> int | None:
    """The score in a :func:`surface`-normalised text, or None."""
    g = _grammar()
    if not g.has_number(norm):
        return None
    scaled = list(g.scale.finditer(norm))
    if scaled:
        values = [g.value(m) for m in scaled]
        if any(v is None for v in values):
            return None  # "11/10" is not clamped: a person should read it
        return max(v for v in values if v is not None)
    whole = g.whole.fullmatch(norm)
    if whole:
        return g.value(whole)
    # "rough day, like a 7" / "7!! rough day": exactly one sentence is a score and no other
    # sentence has a number in it. "2 kids sick" and "call me at 555 1234" fail here.
    pieces = [p.strip() for p in _CLAUSE_SPLIT.split(norm) if p.strip()]
    if len(pieces) < 2:
        return _leading(norm, g)
    hits = [(p, m) for p in pieces if (m := g.whole.fullmatch(p))]
    if len(hits) != 1:
        return _leading(norm, g)  # "8 i used, pls call me"
    hit_piece, hit = hits[0]
    if any(g.any_number.search(p) for p in pieces if p is not hit_piece):
        return _leading(norm, g)  # "1. sober 45 days": the number first is the answer
    return g.value(hit)


# Words after a leading number that make it a count, not a score: "2 kids sick".
_COUNTS = frozenset(
    [
        "kids",
        "children",
        "people",
        "times",
        "days",
        "weeks",
        "months",
        "years",
        "hours",
        "hrs",
        "mins",
        "minutes",
        "beers",
        "drinks",
        "shots",
        "pills",
        "dollars",
        "bucks",
        "am",
        "pm",
        "oclock",
        "of",
        "out",
        "ninos",
        "hijos",
        "dias",
        "semanas",
        "meses",
        "anos",
        "horas",
        "veces",
        "cervezas",
        "pastillas",
        "personas",
        "pesos",
        "dolares",
        "thirty",
        "fifteen",
        "forty",
        "twenty",
        "fifty",
        "oclock",
        "o'clock",
        "treinta",
        "quince",
        "cuarenta",
        "veinte",
        "media",
        "punto",
    ]
)


def _leading(norm: str, g: _Grammar) -> int | None:
    m = g.leading.match(norm)
    if m is None or m.end() >= len(norm):
        return None
    after = norm[m.end() :]
    rest = after.lstrip(" ,.!?;:").split()
    # A count ("2 kids"), a time ("six thirty") or more numbers ("7 7 7") is not an answer;
    # after sentence punctuation anything may follow ("0! 100 days clean").
    punctuated = after[:1] in (",", ".", "!", "?", ";", ":")
    if (
        not punctuated
        and rest
        and (rest[0] in _COUNTS or g.any_number.fullmatch(rest[0]) or rest[0][0].isdigit())
    ):
        return None
    return g.value(m)


def parse_score(text: str) -> int | None:
    """A 0-10 score in ``text`` (see the module docstring), else None. Never raises."""
    try:
        return score_of(surface(text[:MAX_CHARS]))
    except Exception:  # pure helper on untrusted text: a bug must not take the webhook down
        return None
