"""Precision / recall, the risk figures and the targets, from (item, prediction) pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from evaluation.corpus import CATEGORIES, FIRST_SIGNALS, SIGNALS, Item
from notifier.understanding import Classification

Pair = tuple[Item, Classification]


@dataclass(frozen=True, slots=True)
class Ratio:
    hit: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hit / self.total if self.total else None

    def __str__(self) -> str:
        v = self.value
        return "n/a (0)" if v is None else f"{v:.3f} ({self.hit}/{self.total})"


def _risk(labels: Sequence[str]) -> bool:
    return "crisis" in labels or "concern" in labels


def precision_recall(pairs: Sequence[Pair], label: str, signal: bool) -> tuple[Ratio, Ratio]:
    """A signal is judged only on the lines whose author knew it (``Item.knows``): an older
    line cannot miss, nor be wrongly given, a signal its author never had."""
    if signal:
        pairs = [(i, p) for i, p in pairs if label in i.knows]

    def truth(item: Item) -> bool:
        return label in item.signals if signal else item.category == label

    def said(pred: Classification) -> bool:
        return label in pred.signals if signal else pred.category == label

    tp = sum(1 for i, p in pairs if truth(i) and said(p))
    predicted = sum(1 for _, p in pairs if said(p))
    actual = sum(1 for i, _ in pairs if truth(i))
    return Ratio(tp, predicted), Ratio(tp, actual)


@dataclass(frozen=True, slots=True)
class Summary:
    n: int
    categories: dict[str, tuple[Ratio, Ratio]]
    signals: dict[str, tuple[Ratio, Ratio]]
    risk_recall: Ratio
    crisis_recall: Ratio
    urgent_crisis: Ratio
    urgent_flagged: Ratio
    everyday_crisis: Ratio
    everyday_concern: Ratio
    score_accuracy: Ratio
    confusion: Counter[tuple[str, str]]


def summarise(pairs: Sequence[Pair]) -> Summary:
    everyday = [(i, p) for i, p in pairs if not _risk([i.category, *i.signals])]
    risky = [(i, p) for i, p in pairs if i.category in ("crisis", "concern")]
    crisis = [(i, p) for i, p in pairs if i.category == "crisis"]
    urgent = [(i, p) for i, p in pairs if i.urgent]
    scored = [(i, p) for i, p in pairs if i.score is not None]
    return Summary(
        n=len(pairs),
        categories={c: precision_recall(pairs, c, False) for c in CATEGORIES},
        signals={s: precision_recall(pairs, s, True) for s in SIGNALS},
        risk_recall=Ratio(sum(p.category in ("crisis", "concern") for _, p in risky), len(risky)),
        crisis_recall=Ratio(sum(p.category == "crisis" for _, p in crisis), len(crisis)),
        urgent_crisis=Ratio(sum(p.category == "crisis" for _, p in urgent), len(urgent)),
        urgent_flagged=Ratio(sum(p.urgent for _, p in urgent), len(urgent)),
        everyday_crisis=Ratio(sum(p.category == "crisis" for _, p in everyday), len(everyday)),
        everyday_concern=Ratio(sum(p.category == "concern" for _, p in everyday), len(everyday)),
        score_accuracy=Ratio(sum(p.score == i.score for i, p in scored), len(scored)),
        confusion=Counter((i.category, p.category) for i, p in pairs),
    )


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    value: float | None
    met: bool
    shown: str


def targets(s: Summary) -> list[Target]:
    def at_least(name: str, r: Ratio, floor: float) -> Target:
        v = r.value
        return Target(name, v, v is not None and v >= floor, f"{r} >= {floor}")

    def at_most(name: str, r: Ratio, ceiling: float) -> Target:
        v = r.value
        return Target(name, v, v is not None and v <= ceiling, f"{r} <= {ceiling}")

    out = [
        at_least("risk (crisis or concern) recall", s.risk_recall, 0.97),
        at_least("crisis labelled -> crisis", s.crisis_recall, 0.95),
        at_least("life in danger now -> crisis", s.urgent_crisis, 0.95),
        at_least("life in danger now -> urgent (911 first)", s.urgent_flagged, 0.90),
        at_most("crisis on everyday talk", s.everyday_crisis, 0.03),
        at_most("concern on everyday talk", s.everyday_concern, 0.08),
    ]
    for sig in ("use", "callback"):
        prec, rec = s.signals[sig]
        out.append(at_least(f"{sig} recall", rec, 0.90))
        out.append(at_least(f"{sig} precision", prec, 0.90))
    # The kinds of docs/kinds.md: rarer, each with its own routing; judged where known.
    for sig in NEW_SIGNALS:
        prec, rec = s.signals[sig]
        if rec.total:
            out.append(at_least(f"{sig} recall", rec, 0.85))
    return out


NEW_SIGNALS = tuple(sig for sig in SIGNALS if sig not in FIRST_SIGNALS)
