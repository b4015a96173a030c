"""Escalation tiers (``NOTIFIER_ESCALATION_TIERS``): who is told about an unanswered alert, and
when. Tier 0 is always the on-call numbers, told at once; the tiers written in the setting
follow, each after its delay (counted from when on-call was told), with its own numbers and,
with ``call``, a voice call besides the text::

    15m: +13125550191, +13125550192; 30m call: +13125550193

The older ``NOTIFIER_ESCALATION_NUMBERS`` (one list, after ``NOTIFIER_CRISIS_ESCALATE_AFTER``)
stays accepted as a single tier. Parsing is here; phone numbers are made E.164 by the settings,
which know the default region.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from notifier.core.grammar import parse_duration

TIERS_EXAMPLE = "15m: +13125550191, +13125550192; 30m call: +13125550193"
_HEAD = re.compile(r"^(?P<after>[0-9dhms ]+?)\s*(?P<call>\bcall\b)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Tier:
    after: timedelta  # from when on-call was told
    numbers: tuple[str, ...]
    call: bool = False  # a voice call to each number besides the text


def parse_tiers(text: str) -> tuple[Tier, ...]:
    """``DELAY [call]: NUMBER, NUMBER; ...``, delays strictly increasing."""
    tiers: list[Tier] = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        head, sep, rest = chunk.partition(":")
        m = _HEAD.match(head.strip())
        numbers = tuple(n.strip() for n in rest.split(",") if n.strip())
        if not sep or m is None or not numbers:
            raise ValueError(
                f"expected 'DELAY [call]: NUMBER, NUMBER' separated by ';' ({TIERS_EXAMPLE}), "
                f"got {chunk!r}"
            )
        after = parse_duration(m.group("after").strip())
        if after <= timedelta(0):
            raise ValueError(f"expected a delay greater than zero, got {chunk!r}")
        if tiers and after <= tiers[-1].after:
            raise ValueError(
                f"expected each tier's delay to be longer than the one before, got {chunk!r}"
            )
        tiers.append(Tier(after, numbers, call=m.group("call") is not None))
    return tuple(tiers)


def normalised(tiers: tuple[Tier, ...], to_e164: Callable[[str], str | None]) -> tuple[Tier, ...]:
    """The tiers with every number in E.164; ValueError naming the first bad one."""
    out: list[Tier] = []
    for tier in tiers:
        numbers: list[str] = []
        for raw in tier.numbers:
            e164 = to_e164(raw)
            if e164 is None:
                raise ValueError(f"expected phone numbers, got {raw!r}")
            numbers.append(e164)
        out.append(Tier(tier.after, tuple(dict.fromkeys(numbers)), tier.call))
    return tuple(out)


def only_oncall(tiers: tuple[Tier, ...], oncall: tuple[str, ...]) -> Tier | None:
    """The first tier that names nobody but on-call numbers (it reaches no one new), or None."""
    return next((t for t in tiers if set(t.numbers) <= set(oncall)), None)


def describe(tier: Tier) -> str:
    """'15m' / '30m call', as written in the setting (errors and docs)."""
    minutes = int(tier.after.total_seconds() // 60)
    text = (
        f"{minutes // 60}h{minutes % 60}m"
        if minutes % 60 and minutes >= 60
        else (f"{minutes // 60}h" if minutes >= 60 else f"{minutes}m")
    )
    return text + (" call" if tier.call else "")
