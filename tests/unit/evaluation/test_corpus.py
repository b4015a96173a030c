"""The labelled evaluation corpus (evaluation/corpus): schema, split hygiene and minimum sizes."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from evaluation import corpus

CORPUS = Path(__file__).resolve().parents[3] / "evaluation" / "corpus"
PARTS = {"heldout": "h", "dev": "d"}
LANGS = {"en", "es"}
CONTEXTS = {"none", "checkin", "reminder", "checkin+reminder", "opted_out", "after_risk"}
CATEGORIES = {
    "crisis",
    "concern",
    "opt_out",
    "opt_in",
    "help",
    "confirm",
    "decline",
    "checkin_answer",
    "free_text",
}
# The held-out part and the first dev lines know the first four; the independent batches (and
# every line written under POLICY.md) know them all.
FIRST_SIGNALS = ("crisis", "concern", "use", "callback")
SIGNALS = (
    *FIRST_SIGNALS,
    "medical",
    "violence",
    "safety",
    "medication",
    "naloxone",
    "pregnancy",
    "life_event",
    "wrong_number",
)
# The batches that joined dev, as evaluation/corpus.py lists them (heldout-final: the fourth
# author's batch, read once as the final held-out batch, then tuned on).
BATCHES = tuple(name.removesuffix(".jsonl") for name in corpus.BATCHES)
REQUIRED = {
    "id",
    "text",
    "lang",
    "context",
    "category",
    "signals",
    "urgent",
    "score",
    "kind",
    "source",
}
OPTIONAL = {"note"}
# <lang>-<part>-<nnnn>: h held out, d dev, b<n> an independent batch, f the fourth author's
# batch (both part of dev).
ID_RE = re.compile(r"^(en|es)-(h|d|b[0-9]+|f)-\d{4}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9_]*$")  # a short tag; digits as in "od_911"


@cache
def rows(part: str) -> tuple[dict[str, Any], ...]:
    out = []
    with (CORPUS / f"{part}.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.endswith("\n") and line.strip(), f"{part}:{n}: blank or unterminated line"
            out.append(json.loads(line))
    return tuple(out)


@cache
def source_keys() -> frozenset[str]:
    text = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    # Keys are written `key` in the first table and bare in the later one.
    return frozenset(re.findall(r"^\| `?([a-z0-9_]+)`? \|", text, flags=re.MULTILINE)) - {"key"}


def batch_tag(tag: str) -> bool:
    """Lines by the independent authors (they know every signal)."""
    return tag.startswith("b") or tag == "f"


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("part", PARTS)
def test_every_line_matches_the_schema(part: str) -> None:
    keys = source_keys()
    for row in rows(part):
        where = f"{part}:{row.get('id')}"
        assert REQUIRED <= row.keys() <= REQUIRED | OPTIONAL, where
        assert ID_RE.match(row["id"]), where
        lang, tag, _ = row["id"].split("-")
        assert lang == row["lang"], where
        assert tag == PARTS[part] or (part == "dev" and batch_tag(tag)), where
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] != "", where
        assert row["lang"] in LANGS, where
        assert row["context"] in CONTEXTS, where
        category = row["category"]
        assert category in CATEGORIES, where
        signals = row["signals"]
        assert isinstance(signals, list) and len(set(signals)) == len(signals), where
        assert set(signals) <= set(SIGNALS if batch_tag(tag) else FIRST_SIGNALS), where
        assert signals == [s for s in SIGNALS if s in signals], f"{where}: signal order"
        assert ("crisis" in signals) == (category == "crisis"), where
        assert ("concern" in signals) == (category == "concern"), where
        assert isinstance(row["urgent"], bool), where
        assert not row["urgent"] or category == "crisis", where
        score = row["score"]
        assert score is None or (type(score) is int and 0 <= score <= 10), where
        assert score is None or "checkin" in row["context"], where
        assert category != "checkin_answer" or score is not None, where
        assert category not in ("confirm", "decline") or "reminder" in row["context"], where
        assert category != "opt_in" or row["context"] == "opted_out", where
        assert isinstance(row["kind"], str) and KIND_RE.match(row["kind"]), where
        assert row.get("source") in keys, f"{where}: source not in SOURCES.md"
        assert isinstance(row.get("note", ""), str), where


def test_ids_are_unique_across_both_parts() -> None:
    ids = Counter(row["id"] for part in PARTS for row in rows(part))
    assert not [i for i, n in ids.items() if n > 1]


def test_no_text_is_in_both_parts() -> None:
    held = {fold(row["text"]) for row in rows("heldout")}
    shared = sorted({fold(row["text"]) for row in rows("dev")} & held)
    assert not shared


@pytest.mark.parametrize("part", PARTS)
def test_no_text_repeats_within_a_part_in_the_same_context(part: str) -> None:
    # The same words after a crisis reply ("HELP" in context after_risk) and out of the blue
    # are two cases; the same words in the same context twice are one.
    texts = Counter((fold(row["text"]), row["context"]) for row in rows(part))
    assert not [t for t, n in texts.items() if n > 1]


@pytest.mark.parametrize("batch", BATCHES)
def test_every_independent_batch_is_in_dev_less_held_out_texts_and_repeats(batch: str) -> None:
    # Each batch file stays as it was read once before tuning (first_reads.json); its lines are
    # dev, except exact repeats of a held-out text or of an earlier (text, context).
    dev = {row["id"]: row for row in rows("dev")}
    held = {fold(row["text"]) for row in rows("heldout")}
    dev_keys = {(fold(r["text"]), r["context"]) for r in dev.values()}
    for row in rows(batch):
        if row["id"] in dev:
            assert dev[row["id"]] == row, row["id"]
        else:
            key = (fold(row["text"]), row["context"])
            # independent-10 has two confirms in context after_risk, which the schema refuses
            # (a confirm answers a reminder): left out of dev rather than relabelled.
            refused = row["category"] in ("confirm", "decline") and "reminder" not in key[1]
            # independent-60 and -62 have kind tags starting with a digit or holding capitals
            # ("86_...", "after_HELP"), which the schema refuses: left out of dev, not retagged.
            refused = refused or not KIND_RE.match(str(row["kind"]))
            assert key[0] in held or key in dev_keys or refused, row["id"]


def test_heldout_sha256_is_the_one_recorded_in_the_readme() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    recorded = re.findall(r"heldout\.jsonl sha256: `([0-9a-f]{64})`", readme)
    assert len(recorded) == 1, "README.md must record the held-out sha256 exactly once"
    actual = hashlib.sha256((CORPUS / "heldout.jsonl").read_bytes()).hexdigest()
    assert actual == recorded[0]


def test_minimum_sizes() -> None:
    assert len(rows("heldout")) + len(rows("dev")) >= 1500
    for part in PARTS:
        langs = Counter(row["lang"] for row in rows(part))
        assert langs["es"] / sum(langs.values()) >= 0.30, part


@pytest.mark.parametrize("lang", sorted(LANGS))
@pytest.mark.parametrize("signal", FIRST_SIGNALS)
def test_heldout_has_enough_positives(lang: str, signal: str) -> None:
    positives = [r for r in rows("heldout") if r["lang"] == lang and signal in r["signals"]]
    assert len(positives) >= 40
