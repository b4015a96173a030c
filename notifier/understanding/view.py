"""The string the rules are matched against: the normalised words, each followed by one space,
with ``|`` between sentences and ``,`` at commas, e.g. ``"| i want to die , honestly | "``.

Apostrophes are dropped ("can't" -> "cant") so one spelling covers both; sentence punctuation,
line breaks and leftover emoji end a sentence, so a pattern never joins words across them.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifier.understanding.finder import Finder

# One scan for both: a word or a comma (the group), or a sentence break (sentence punctuation,
# a line break, emoji and other symbols, "_", a spaced dash), which findall hands back as "".
_PIECE = re.compile(r"([^\W_]+|,)|[^\w\s,'/-]|[\n_]|\s-+\s")
# Joined by single spaces, each "" (a break) leaves two or more spaces in a row.
_BREAKS = re.compile("  +")
# Then a run of two or more separators (words never hold "|" or ","), made one token below
# (greedy from the run's first separator: linear).
_RUN = re.compile(r"[|,](?: [|,])+")
# What the start of a _RUN match looks like: a text holding none of these has no run.
_RUN_STARTS = ("| |", "| ,", ", |", ", ,")


# The same reading of printable ASCII without the regex (most texts): each character is a word
# letter, a comma, a break ("|") or a mere gap, by the classes of _PIECE.
_ASCII_PARTS = str.maketrans(
    {
        c: c if c.isalnum() else " , " if c == "," else " " if c in " /-" else " | "
        for c in map(chr, range(0x20, 0x7F))
    }
)
_SPACED_DASH = re.compile(r" -+ ")


def _joined(normalised: str) -> str:
    """The tokens with a "|" at both ends and at every break, joined by single spaces (runs of
    separators not yet merged)."""
    text = normalised.replace("'", "")
    if text.isascii() and text.isprintable():
        # Here \s is only " ", \w only letters, digits and "_": _PIECE's classes by a table.
        # A spaced dash is a break; a bare one a gap ("7-8").
        if " -" in text:
            text = _SPACED_DASH.sub(" | ", text)
        return " ".join(["|", *text.translate(_ASCII_PARTS).split(), "|"])
    joined = " ".join(["|", *_PIECE.findall(text), "|"])
    # Only where a match can occur (a substring test in C is far cheaper than the regex's try
    # at every character): two spaces in a row.
    return _BREAKS.sub(" | ", joined) if "  " in joined else joined


def _one_separator(run: re.Match[str]) -> str:
    """A run of separators is a sentence end if it holds one, else a comma."""
    return "|" if "|" in run.group() else ","


@dataclass(frozen=True, slots=True)
class View:
    text: str  # "| w w w , w | "
    words: frozenset[str]
    # Where each token starts in ``text``: a rule need only be tried around one of its anchor
    # words (long messages stay cheap).
    offsets: tuple[int, ...] = ()
    # The tokens themselves (``text`` is them joined by spaces): the words before a match are
    # a slice of this, not a split of the text before it.
    tokens: tuple[str, ...] = ()
    # language -> whether a "before now" word occurs (timing.past fills it: one search per
    # message, however many rules ask)
    past: dict[str, bool] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, normalised: str) -> View:
        # Sentence marks at both ends and at every break, then every run of separators made
        # one token (only when there is one: two separators in a row).
        joined = _joined(normalised)
        if any(map(joined.__contains__, _RUN_STARTS)):
            joined = _RUN.sub(_one_separator, joined)
        tokens = joined.split()
        # offsets[k] = sum(len(t) + 1 for t in tokens[:k]), accumulated in C.
        offsets = list(accumulate(map((1).__add__, map(len, tokens)), initial=0))
        offsets.pop()
        return cls(
            text=joined + " ",
            words=frozenset(tokens),
            offsets=tuple(offsets),
            tokens=tuple(tokens),
        )

    def positions(self, words: AbstractSet[str]) -> dict[str, list[int]]:
        """The token numbers of each of ``words`` that occurs, in one pass over the tokens
        (``tuple.index`` per word compares strings; a set lookup does not)."""
        at: dict[str, list[int]] = {}
        for n, tok in enumerate(self.tokens):
            if tok in words:
                found = at.get(tok)
                if found is None:
                    at[tok] = [n]
                else:
                    found.append(n)
        return at

    def sentence(self, start: int, end: int) -> str:
        """The sentence around a span (between the nearest ``|`` on each side)."""
        left = self.text.rfind("|", 0, start)
        right = self.text.find("|", end)
        return self.text[left + 1 : right if right >= 0 else len(self.text)]

    def holds(self, finder: Finder | None) -> bool:
        """One of a phrase list's phrases occurs anywhere in the message (no list: no)."""
        return finder is not None and finder.search(self.text, self.words) is not None
