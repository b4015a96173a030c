"""The pictures in docs/benchmarks.md, drawn with matplotlib (a dev dependency) into
docs/figures/. Imported only when a benchmark draws, so the benchmarks still run (and print
their tables) where matplotlib is missing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import ROOT

FIGURES = ROOT / "docs" / "figures"


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    return plt


def memory_curve(
    series: dict[str, Sequence[tuple[int, float]]], target_mb: float, path: Path, title: str
) -> Path:
    """Peak RSS (MB) against roster size, one line per series, the target as a dashed line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    for name, points in series.items():
        points = sorted(points)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
    ax.axhline(target_mb, color="tab:red", linestyle="--", label=f"target < {target_mb:.0f} MB")
    ax.set_xscale("log")
    sizes = sorted({p[0] for s in series.values() for p in s})
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("clients on the roster (log scale)")
    ax.set_ylabel("peak RSS of the planning process (MB)")
    ax.set_ylim(0, max(target_mb * 1.2, *(p[1] * 1.1 for s in series.values() for p in s)))
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def timeline(
    series: dict[str, Sequence[tuple[float, float]]],
    path: Path,
    title: str,
    ylabel: str,
    right: dict[str, Sequence[tuple[float, float]]] | None = None,
    right_label: str = "",
) -> Path:
    """Values over time (seconds from the start), one line per series; an optional second
    axis on the right for series of another unit."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=120)
    for name, points in series.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], label=name)
    ax.set_xlabel("seconds since the first check-in was due")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if right:
        ax2 = ax.twinx()
        for i, (name, points) in enumerate(right.items()):
            ax2.plot([p[0] for p in points], [p[1] for p in points], label=name,
                     color=f"C{len(series) + i}", linestyle=":")  # fmt: skip
        ax2.set_ylabel(right_label)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="upper right")
    ax.set_title(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
