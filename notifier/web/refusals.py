"""A refused form's reason in the words a counselor reads beside the box.

The domain modules raise one line shaped for the CLI and the logs ("text: 400 characters; at
most 320"); a page says the same thing as a sentence, with what to do next. A message this
module does not know keeps its words, without the leading field name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


def _quoted(tail: str) -> str:
    words = [a or b for a, b in _QUOTED.findall(tail)] or [tail.strip()]
    return ", ".join(f"“{w}”" for w in words)


def _too_long(m: re.Match[str]) -> str:
    return (
        f"Your text is {m['n']} characters long; it can be at most {m['max']}. "
        "Shorten it, then send it again."
    )


def _odd(m: re.Match[str]) -> str:
    return (
        f"A plain text message cannot carry {_quoted(m['tail'])}. "
        "Replace or remove them, then send it again."
    )


def _disclosing(m: re.Match[str]) -> str:
    return (
        f"Your text mentions {_quoted(m['tail'])}, and anyone who sees their phone's lock "
        "screen could read it. Say it without naming the program's nature."
    )


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"text: write something to send"), lambda m: "Write something to send first."),
    (re.compile(r"text: (?P<n>\d+) characters; at most (?P<max>\d+)"), _too_long),
    (re.compile(r"text: characters a plain SMS cannot carry: (?P<tail>.*)"), _odd),
    (re.compile(r"text: names the program's nature[^:]*: (?P<tail>.*)"), _disclosing),
    (
        re.compile(r"form: missing or malformed nonce.*"),
        lambda m: "This form is out of date. Reload the page, then send your text again.",
    ),
    (
        re.compile(r"(?P<who>.+) gets no texts \((?P<why>[^)]*)\): nothing was sent"),
        lambda m: f"{m['who']} gets no texts ({m['why']}), so nothing was sent.",
    ),
    (
        re.compile(r"send now: only for .*"),
        lambda m: (
            "“Send now” is only for someone with an open crisis or concern alert. Untick it "
            "and your text goes out when their quiet hours end."
        ),
    ),
    (re.compile(r"this text was already sent"), lambda m: "This text was already sent."),
    (re.compile(r"no client with id .*"), lambda m: "There is no such client."),
)
_FIELD = re.compile(r"^[a-z_ ]{1,20}: ")


def plain(message: str) -> str:
    """``message`` as a sentence for the page (see the module docstring)."""
    line = " ".join(message.split())
    for pattern, say in _RULES:
        found = pattern.fullmatch(line)
        if found:
            return say(found)
    line = _FIELD.sub("", line, count=1)
    if not line:
        return "That was not accepted."
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "!", "?")) else line + "."
