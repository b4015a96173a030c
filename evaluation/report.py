"""Text and Markdown tables for one run."""

from __future__ import annotations

from collections.abc import Sequence

from evaluation.corpus import CATEGORIES, SIGNALS
from evaluation.metrics import Pair, Summary, targets


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("| " + " | ".join("-" * w for w in widths) + " |")
    for r in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    return "\n".join(lines)


def summary_block(title: str, s: Summary) -> str:
    rows = [
        [f"category {c}", str(p), str(r)]
        for c, (p, r) in s.categories.items()
        if r.total or p.total
    ]
    rows += [[f"signal {g}", str(p), str(r)] for g, (p, r) in s.signals.items()
             if p.total or r.total]  # fmt: skip
    risk = [
        ["risk recall (crisis or concern labelled -> crisis or concern)", str(s.risk_recall)],
        ["crisis labelled -> crisis", str(s.crisis_recall)],
        ["urgent labelled -> crisis", str(s.urgent_crisis)],
        ["urgent labelled -> urgent", str(s.urgent_flagged)],
        ["crisis rate on everyday messages (no risk label)", str(s.everyday_crisis)],
        ["concern rate on everyday messages (no risk label)", str(s.everyday_concern)],
        ["score accuracy (labelled score reproduced)", str(s.score_accuracy)],
    ]
    goals = [[t.name, t.shown, "met" if t.met else "NOT met"] for t in targets(s)]
    return "\n\n".join(
        [
            f"### {title} ({s.n} messages)",
            table(["label", "precision", "recall"], rows),
            table(["risk figure", "value"], risk),
            table(["target", "value", "status"], goals),
        ]
    )


def confusion_block(title: str, s: Summary) -> str:
    used = [c for c in CATEGORIES if any(c in k for k in s.confusion)]
    rows = [[t, *[s.confusion.get((t, p), "") for p in used]] for t in used]
    return f"### {title}: confusion (rows = label, columns = classified)\n\n" + table(
        ["label \\ classified", *used], rows
    )


def _show(category: str, signals: Sequence[str], urgent: bool, score: int | None) -> str:
    extra = (" urgent" if urgent else "") + ("" if score is None else f" score {score}")
    return f"{category} {list(signals)}{extra}"


def misses(pairs: Sequence[Pair]) -> list[str]:
    out: list[str] = []
    for item, pred in pairs:
        want = (item.category, tuple(s for s in item.signals if s in SIGNALS), item.urgent)
        got = (pred.category, tuple(s for s in pred.signals if s in item.knows), pred.urgent)
        score_wrong = item.score != pred.score and (
            item.score is not None or pred.category == "checkin_answer"
        )
        if want != got or score_wrong:
            text = item.text.replace("|", "/").replace("\n", " ")
            label = _show(item.category, item.signals, item.urgent, item.score)
            shown = _show(pred.category, pred.signals, pred.urgent, pred.score)
            out.append(f"| {item.id} | {item.context} | {text} | {label} | {shown} | {pred.rule} |")
    return out
