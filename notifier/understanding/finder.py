"""A regular expression over the view with a word test in front of it.

The lexicons' "anywhere in the message" checks (exceptions, ``with_any``, history, "before
now", intent, the backstop's everyday phrases) are long alternations. Scanning one over a long
message tries every alternative at every character; most messages hold none of their words.
Each alternative says which words a match of it must contain; when the message's words rule
out every alternative, the scan is skipped. When one is possible, the whole alternation runs,
so a match is exactly the one the plain regular expression finds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

# Per alternative, word sets each of which must meet the message's words.
Needs = tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Finder:
    regex: re.Pattern[str]
    # key word -> the needs of the alternatives keyed on it. Every alternative whose words are
    # known is keyed on one word set of its needs (its least common), under each word of it.
    by_key: Mapping[str, tuple[Needs, ...]]
    # The other alternatives alone (written as raw regular expressions, or patterns without an
    # anchor word): searched when no known alternative is possible; None when there are none.
    rest: re.Pattern[str] | None = None

    @classmethod
    def of(
        cls,
        template: str,
        alternatives: Sequence[tuple[str, Needs | None]],
        common: AbstractSet[str] = frozenset(),
    ) -> Finder | None:
        """``template`` holds ``{}`` where the alternation goes; each alternative is a regex
        and the word sets a match of it must each meet (None: unknown). The order of
        ``alternatives`` is the alternation's. ``common``: frequent words, poor keys."""
        if not alternatives:
            return None
        whole = re.compile(template.format("|".join(a for a, _ in alternatives)))
        unknown = [a for a, needs in alternatives if not needs]
        rest = re.compile(template.format("|".join(unknown))) if unknown else None
        by_key: dict[str, list[Needs]] = {}
        for _, needs in alternatives:
            if needs:
                key = min(needs, key=lambda w: (len(w & common), len(w)))
                for word in key:
                    by_key.setdefault(word, []).append(needs)
        return cls(whole, {k: tuple(v) for k, v in by_key.items()}, rest)

    def possible(self, words: AbstractSet[str], text: str) -> bool:
        """False only when no alternative can match ``text`` (whose words are among
        ``words``)."""
        for key in self.by_key.keys() & words:
            for needs in self.by_key[key]:
                for need in needs:
                    if need.isdisjoint(words):
                        break
                else:
                    return True
        return self.rest is not None and self.rest.search(text) is not None

    def search(self, text: str, words: AbstractSet[str]) -> re.Match[str] | None:
        """``regex.search(text)``; ``words`` holds every word of ``text`` (it may hold more:
        the whole message's words when ``text`` is one of its sentences)."""
        return self.regex.search(text) if self.possible(words, text) else None

    def finditer(self, text: str, words: AbstractSet[str]) -> list[re.Match[str]]:
        """``list(regex.finditer(text))``, as :meth:`search`."""
        return list(self.regex.finditer(text)) if self.possible(words, text) else []


def phrase_needs(phrase: str) -> Needs:
    """A literal phrase matched on whole view words: each of its words must be a word of the
    text."""
    return tuple(frozenset((w,)) for w in phrase.split())


_PLAIN = re.compile(r"[a-z0-9]+")
_WORD_GROUP = re.compile(r"\(\?:([a-z0-9]+(?:\|[a-z0-9]+)*)\)")


def regex_needs(rx: str) -> Needs | None:
    """What a phrase written as a regular expression needs, where that is plain to see: its
    space-separated items that are a literal word ("hace") or a group of literal words
    ("(?:years|yrs)"). Other items say nothing; None when no item says anything."""
    depth = 0
    items: list[str] = []
    current = ""
    for ch in rx:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            return None  # "a|b c": no item is needed by every branch
        if ch == " " and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    needs: list[frozenset[str]] = []
    for item in items:
        if _PLAIN.fullmatch(item):
            needs.append(frozenset((item,)))
        elif (m := _WORD_GROUP.fullmatch(item)) is not None:
            needs.append(frozenset(m.group(1).split("|")))
    return tuple(needs) or None
