"""The string the rules are matched against: the normalised words, each followed by one space,
with ``|`` between sentences and ``,`` at commas, e.g. ``"| i want to die , honestly | "``.

Apostrophes are dropped ("can't" -> "cant") so one spelling covers both; sentence punctuation,
line breaks and leftover emoji end a sentence, so a pattern never joins words across them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BREAK = re.compile(r"[.!?;:\n]+|[^\w\s,'/-]|_|\s-+\s")
_TOKEN = re.compile(r"[^\W_]+|[|,]")
_SEPARATORS = ("|", ",")


@dataclass(frozen=True, slots=True)
class View:
    text: str  # "| w w w , w | "
    words: frozenset[str]
    # Where each token starts in ``text``, and for every word the numbers of its tokens: a
    # rule need only be tried around one of its anchor words (long messages stay cheap).
    offsets: tuple[int, ...] = ()
    # The tokens themselves (``text`` is them joined by spaces): the words before a match are
    # a slice of this, not a split of the text before it.
    tokens: tuple[str, ...] = ()
    at: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # language -> whether a "before now" word occurs (rules.past fills it: one search per
    # message, however many rules ask)
    past: dict[str, bool] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, normalised: str) -> View:
        s = _BREAK.sub(" | ", normalised.replace("'", ""))
        tokens: list[str] = ["|"]
        for tok in _TOKEN.findall(s):
            if tok in _SEPARATORS and tokens[-1] in _SEPARATORS:
                if tok == "|":
                    tokens[-1] = "|"
                continue
            tokens.append(tok)
        if tokens[-1] == ",":
            tokens[-1] = "|"
        elif tokens[-1] != "|":
            tokens.append("|")
        # One pass for both: where each token starts, and each word's token numbers (built as
        # tuples directly: most words occur once).
        offsets: list[int] = []
        at: dict[str, tuple[int, ...]] = {}
        pos = 0
        for n, tok in enumerate(tokens):
            offsets.append(pos)
            pos += len(tok) + 1
            seen = at.get(tok)
            at[tok] = (n,) if seen is None else (*seen, n)
        del at["|"]
        at.pop(",", None)
        return cls(
            text=" ".join(tokens) + " ",
            words=frozenset(tokens),
            offsets=tuple(offsets),
            tokens=tuple(tokens),
            at=at,
        )

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a span (between the nearest ``|`` on each side)."""
        left = self.text.rfind("|", 0, start)
        right = self.text.find("|", end)
        return self.text[left + 1 : right if right >= 0 else len(self.text)]
