"""`python -m benchmarks.classify_fingerprint`: one hash of everything classify() answers.

A guard for behaviour-preserving speed work on ``notifier.understanding``: the hash must not
move. It covers

* every line of evaluation/corpus/dev.jsonl in the context the evaluation gives it (opted_out,
  open_prompts from ``evaluation.corpus.arguments``), with the learned backstop and without
  (``backstop=False`` is how the model is trained and evaluated);
* the built-in samples of ``benchmarks.classify``;
* seeded fuzz: corpus words shuffled with emoji, odd punctuation, keywords and random code
  points, some past MAX_CHARS, in random contexts (the same strings every run);
* every classify() call the unit tests of tests/unit/understanding make (recorded by running
  them in-process with a wrapper around the module's ``_classify``, then classified again here),
  except inside Hypothesis property tests, whose drawn inputs vary from run to run (the fuzz
  above stands in for them).

Each input is classified twice, in two passes: the second pass runs on warm caches, so a
cache that changed an answer shows up as a mismatch, not as a quiet hash change. Every field
of every Classification goes into the hash, with its input.

Options: ``--no-tests`` skips the unit-test inputs (faster); ``--dump FILE`` writes one line
per input and result, to diff two runs when the hash moves. The held-out corpus is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.classify import SAMPLES
from benchmarks.common import ROOT
from evaluation.corpus import arguments

DEV = ROOT / "evaluation" / "corpus" / "dev.jsonl"
UNDERSTANDING_TESTS = ROOT / "tests" / "unit" / "understanding"

# (body, keyword arguments of classify())
Call = tuple[Any, dict[str, Any]]


def corpus_calls() -> Iterator[Call]:
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        opted_out, prompts, recent_risk = arguments(row["context"])
        for backstop in (True, False):
            yield row["text"], {"opted_out": opted_out, "open_prompts": prompts,
                                "backstop": backstop, "recent_risk": recent_risk}  # fmt: skip


def sample_calls() -> Iterator[Call]:
    for text, prompts, opted_out in SAMPLES:
        yield text, {"opted_out": opted_out, "open_prompts": prompts}


_ODD = ["STOP", "stop", "HELP", "START", "yes", "no", "7", "8/10", "a 6", "11/10", "-3", "6:30",
        "|", ",", ".", "!!", "?", "...", " - ", "'", "\u2019", "\u00b4", "\u2014", "\u200b",
        "\ufe0f", "\U0001f48a", "\U0001f44d", "\U0001f44d\U0001f3fd", "\u274c", "\U0001f602",
        "sooo", "killlll", "u", "kiero", "w/o", "OD'd", "x" * 40, "\n", "\t", "_", "#"]  # fmt: skip
_FUZZ_SEED = 20261127


def fuzz_calls(n: int = 1500) -> Iterator[Call]:
    import random

    rng = random.Random(_FUZZ_SEED)
    words = sorted({w for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
                    for w in json.loads(line)["text"].split()})  # fmt: skip
    contexts = ["none", "checkin", "reminder", "checkin+reminder", "opted_out"]
    for k in range(n):
        kind = k % 5
        if kind == 3:
            body = "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 60)))
        else:
            pool = _ODD if kind == 4 else words
            size = rng.randrange(1, 400 if k % 50 == 0 else 40)
            glue = rng.choice(["", " ", "  "])
            body = glue.join(rng.choice(pool if rng.random() < 0.8 else _ODD) for _ in range(size))
        opted_out, prompts, _ = arguments(rng.choice(contexts))
        yield body, {"opted_out": opted_out, "open_prompts": prompts}


def test_calls() -> list[Call]:
    """The inputs of every classify() the understanding unit tests make. The tests import the
    function itself, so the recorder wraps ``_classify`` (looked up at call time) instead."""
    import importlib

    import pytest
    from hypothesis import currently_in_test_context, settings

    # Derandomized and without the example database: the property tests then draw the same
    # inputs every run, whatever the hash seed or an earlier failure.
    settings.register_profile("fingerprint", derandomize=True, database=None)
    settings.load_profile("fingerprint")

    module = importlib.import_module("notifier.understanding.classify")
    original: Callable[..., Any] = module._classify
    seen: list[Call] = []

    def recording(body: Any, opted_out: Any, open_prompts: Any, crisis_terms: Any,
                  models: Any, recent_risk: Any = False) -> Any:  # fmt: skip
        if currently_in_test_context():
            return original(body, opted_out, open_prompts, crisis_terms, models, recent_risk)
        kwargs = {"opted_out": opted_out, "open_prompts": open_prompts,
                  "crisis_terms": crisis_terms, "backstop": models is not None,
                  "recent_risk": recent_risk}  # fmt: skip
        seen.append((body, kwargs))
        return original(body, opted_out, open_prompts, crisis_terms, models, recent_risk)

    module._classify = recording
    try:
        code = pytest.main(["-q", "-p", "no:cacheprovider", "-x", str(UNDERSTANDING_TESTS)])
    finally:
        module._classify = original
    if code != 0:
        raise SystemExit(f"tests/unit/understanding failed (pytest exit {code})")
    return seen


def _key(value: Any) -> str:
    """A stable text for an input (crisis_terms may be a tuple, a list, a str)."""
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def results(calls: list[Call]) -> Iterator[str]:
    from notifier.understanding import classify

    for body, kwargs in calls:
        result = classify(body, **kwargs)
        fields = dataclasses.asdict(result)
        inputs = {k: _key(v) for k, v in sorted(kwargs.items())}
        yield json.dumps([_key(body)[:2000], inputs, fields], sort_keys=True, ensure_ascii=True)


def fingerprint(lines: list[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.classify_fingerprint")
    parser.add_argument("--no-tests", action="store_true", help="skip the unit-test inputs")
    parser.add_argument("--dump", type=Path, help="write every input and result here")
    args = parser.parse_args(argv)
    calls = list(corpus_calls()) + list(sample_calls()) + list(fuzz_calls())
    n_corpus = len(calls)
    if not args.no_tests:
        calls += test_calls()
    first = list(results(calls))
    second = list(results(calls))  # warm caches must not change an answer
    if first != second:
        bad = next(i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b)
        print(f"MISMATCH between cold and warm pass at input {bad}:\n{first[bad]}\n{second[bad]}")
        return 1
    if args.dump:
        args.dump.write_text("\n".join(first) + "\n", encoding="utf-8")
    print(f"inputs: {n_corpus} corpus/sample/fuzz calls + {len(calls) - n_corpus} from unit tests")
    print(f"fingerprint: {fingerprint(first)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
