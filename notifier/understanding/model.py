"""The learned backstop: small logistic-regression models that may only RAISE a decision.

The named rules decide first. When no crisis/concern rule fired, the risk models read the
same normalised words and may still flag the reply:

* ``P(risk) >= threshold`` -> the reply is at risk; then, policy "crisis when unsure": category
  crisis (rule ``crisis.model.<lang>``) when ``P(risk)`` also clears a higher bar and the
  crisis model (trained on risk replies only: crisis or concern?) does not lean to concern,
  else concern (rule ``concern.model.<lang>``). ``urgent`` when the urgent model (trained on
  crisis replies only) clears its own threshold. Over an open concern rule (the risk is there,
  not how high: classify.OPEN_CONCERN) the same crisis reading raises concern to crisis.

The signal models (``use``, ``callback`` and the kinds of docs/kinds.md: ``medical``,
``violence``, ``safety``, ``medication``, ``naloxone``, ``pregnancy``, ``life_event``,
``wrong_number``) only add their signal when no rule gave it. The models never lower a rule's
decision and never touch opt-out, opt-in, help, confirm/decline or scores.

Features are what a reviewer can read: the words of the normalised view (``i``, ``pills``),
adjacent word pairs within a sentence (``took all``) and a five-letter prefix of longer words
(``~matar`` covers "matarme", "matarse"; ``~overd`` covers every form of "overdose"). Inference
is a dict lookup per feature plus a sigmoid, in pure Python. The weights live in
``lexicons/model.json`` (data, committed with the command and dev commit it was trained on:
``python -m evaluation.train``); thresholds were chosen by k-fold cross-validation on dev so
that everyday messages stay well under the false-alarm targets.

How a counselor reads "why": the rule name says it was the model (``concern.model.en``) and the
evidence is the three features that pushed hardest towards the decision, e.g.
``"pills | ready | ~pasti"``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import chain, compress, pairwise

# The signals a model may add beside the tier (each only where no rule gave it).
SIGNAL_TASKS: tuple[str, ...] = (
    "use",
    "callback",
    "medical",
    "violence",
    "safety",
    "medication",
    "naloxone",
    "pregnancy",
    "life_event",
    "wrong_number",
)
TASKS: tuple[str, ...] = ("risk", "crisis", "urgent", *SIGNAL_TASKS)
_STEM = 5  # prefix length of the stem features
_GRAM = 4  # letter n-grams inside words longer than _STEM (not the prefix: that is the stem)
_SEP = frozenset(("|",))
# Replies shorter than this are left to the rules ("lo siento", "ok thanks"): too little for a
# bag of words to judge.
MIN_WORDS = 3


@cache
def _function_words() -> frozenset[str]:
    from notifier.understanding.lexicon import load as load_lexicons

    return frozenset(w for lang in load_lexicons().languages.values() for w in lang.markers)


def _word_features_of(tok: str) -> tuple[str, ...]:
    """The features one word gives on its own: the word, its stem and its letter grams."""
    if tok in _function_words():
        return ()
    if len(tok) <= _STEM:
        return (sys.intern(tok),)
    # Letter 4-grams inside longer words carry misspellings and inflections the word list
    # never saw ("overdoseing", "suisidal", "pastiyas"): "#verd", "#sidal".
    grams = ("#" + tok[k : k + _GRAM] for k in range(1, len(tok) - _GRAM + 1))
    return tuple(map(sys.intern, (tok, "~" + tok[:_STEM], *grams)))


# Each word's features, computed once per process: pure in the word, and SMS vocabulary
# repeats. A plain dict, not lru_cache: a hit only reads (an LRU hit relinks list nodes, extra
# memory traffic on every word of a message). Bounded: cleared when full (a flood of unique
# words costs only time).
_FEATURES: dict[str, tuple[str, ...]] = {}
_FEATURES_MAX = 16_384


def _word_features(tok: str) -> tuple[str, ...]:
    out = _FEATURES.get(tok)
    if out is None:
        if len(_FEATURES) >= _FEATURES_MAX:
            _FEATURES.clear()
        out = _FEATURES[tok] = _word_features_of(tok)
    return out


def features(view_text: str) -> list[str]:
    """Unigrams, in-sentence bigrams and prefix stems of a view string (``"| i want , x | "``).
    Commas do not split bigrams ("took them all, every one"), sentence ends do. Frequent
    function words ("i", "and", "lo": the lexicons' language markers) are not features alone,
    only inside a pair, so a short everyday reply cannot trip the model on them."""
    out: list[str] = []
    prev = ""
    seen = _FEATURES.get
    for tok in view_text.split():
        if tok in _SEP:
            prev = ""
            continue
        if tok == ",":
            continue
        feats = seen(tok)
        out.extend(_word_features(tok) if feats is None else feats)
        if prev:
            out.append(prev + " " + tok)
        prev = tok
    return out


@dataclass(frozen=True, slots=True)
class Linear:
    bias: float
    weights: Mapping[str, float]
    threshold: float
    # risk only: the higher bar P(risk) must clear before the model may say crisis
    strong: float = 1.0

    def probability(self, feats: list[str]) -> float:
        z = self.bias
        w = self.weights
        for f in set(feats):
            z += w.get(f, 0.0)
        return _sigmoid(z)

    def fires(self, feats: list[str]) -> bool:
        return self.probability(feats) >= self.threshold

    def evidence(self, feats: list[str], n: int = 3) -> str:
        """The ``n`` present features with the largest positive weights."""
        w = self.weights
        ranked = sorted({f for f in feats if w.get(f, 0.0) > 0}, key=lambda f: (-w[f], f))
        return " | ".join(ranked[:n])


Weights = tuple[float, ...]  # one weight per task, in TASKS order


@dataclass(frozen=True, slots=True)
class Models:
    tasks: Mapping[str, Linear]
    meta: Mapping[str, object]
    # feature -> its weight in each of TASKS (0.0 where a task has none): one dict lookup per
    # feature scores every model in one pass over the message.
    table: Mapping[str, Weights] = field(default_factory=dict)
    # The words that begin a weighted word pair: a pair is only built after one of them.
    pair_starts: frozenset[str] = frozenset()
    # word -> its own features that carry a weight (most carry none), filled as words are
    # seen; bounded like _FEATURES.
    _by_word: dict[str, tuple[tuple[str, Weights], ...]] = field(default_factory=dict)
    # Each task's bias, in TASKS order.
    biases: tuple[float, ...] = ()

    def score(self, feats: list[str]) -> Scores:
        """Every task in TASKS at once, exactly as :class:`Linear` computes each: the same
        features in the same order, so the same floating-point sums (a missing weight adds
        0.0, which changes no sum)."""
        table = self.table
        present: dict[str, Weights] = {}
        for f in set(feats):
            w = table.get(f)
            if w is not None:
                present[f] = w
        return self._scores(present)

    def read(self, view_text: str) -> Scores:
        """``score(features(view_text))`` without building the features that carry no weight,
        and with the loops in C: each word's weighted features come from a per-word table
        (filled on first sight), the word pairs are joined and looked up in one pass. The same
        features count, each once; only the order of the additions may differ (by the last
        bits of a float: ``score`` adds in set order, which varies between processes anyway).
        """
        # Commas do not split pairs; sentence ends do ("|" never begins or ends a feature).
        toks = view_text.replace(", ", "").split()
        by_word = self._by_word
        words = set(toks)
        missing = words.difference(by_word)
        if missing:
            if len(by_word) + len(missing) > _FEATURES_MAX:
                # Full: start again, with every word of this message (not only the new ones:
                # the others go with the rest).
                by_word.clear()
                missing = words
            self._learn(missing)
        present: dict[str, Weights] = dict(chain.from_iterable(map(by_word.__getitem__, toks)))
        table = self.table
        # Only a pair after a word that begins some weighted pair can be weighted: the others
        # are never joined into a string, hashed and looked up (compress() picks in C).
        starts = compress(pairwise(toks), map(self.pair_starts.__contains__, toks))
        pairs = [p for p in map(" ".join, starts) if p in table]
        present.update(zip(pairs, map(table.__getitem__, pairs), strict=True))
        return self._scores(present)

    def _learn(self, words: set[str]) -> None:
        """Each word's weighted features into the per-word table."""
        table = self.table
        for tok in words:
            self._by_word[tok] = tuple((f, table[f]) for f in _word_features(tok) if f in table)

    def _scores(self, present: dict[str, Weights]) -> Scores:
        # The weights of every feature as one column per task, each summed in C from the
        # task's bias in feature order: the same additions in the same order as
        # ``z = bias; z += w`` (sum() adds floats as C doubles, left to right).
        columns = list(zip(*present.values(), strict=True)) or [()] * len(TASKS)
        # _sigmoid written out: the same expression, without a Python call per task.
        p = {
            name: 0.0 if z < -30 else 1.0 / (1.0 + math.exp(-z))
            for name, z in zip(TASKS, map(sum, columns, self.biases), strict=True)
        }
        return Scores(p, present)


@dataclass(frozen=True, slots=True)
class Scores:
    """One message read by every model: each task's probability, and the message's features
    that carry a weight (for the evidence)."""

    p: Mapping[str, float]
    present: Mapping[str, Weights]

    def evidence(self, task: str, n: int = 3) -> str:
        """As :meth:`Linear.evidence`: the ``n`` features with the largest positive weights,
        ties by name. Only the weighted features are looked at, and only the top ``n`` kept."""
        i = TASKS.index(task)
        # sorted()[:n] is what heapq.nsmallest(n, ...) returns, and on a few dozen features the
        # C sort costs less than nsmallest's Python code.
        ranked = sorted([(-w[i], f) for f, w in self.present.items() if w[i] > 0])[:n]
        return " | ".join(f for _, f in ranked)


def _sigmoid(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def _near(weights: tuple[float, ...]) -> Weights:
    """The same weights as new float objects made one after the other, so they sit side by
    side in memory (the parsed ones lie in one table per task): a message's first scoring
    reads each weighted feature's floats from a few cache lines, not one per task. repr()
    round-trips a float exactly, the sign of a zero included."""
    return tuple(float(repr(w)) for w in weights)


def _table(tasks: Mapping[str, Linear]) -> dict[str, Weights]:
    per_task = [tasks[name].weights for name in TASKS]
    names: set[str] = set().union(*per_task)
    # Interned keys: the word features are interned too (_word_features_of), so a lookup finds
    # its entry by identity and never reads the key's characters.
    return {sys.intern(f): _near(tuple(w.get(f, 0.0) for w in per_task)) for f in names}


def _read() -> str:
    return (
        resources.files("notifier.understanding")
        .joinpath("lexicons/model.json")
        .read_text(encoding="utf-8")
    )


def from_json(text: str) -> Models:
    data = json.loads(text)
    tasks = {
        name: Linear(
            float(t["bias"]), dict(t["weights"]), float(t["threshold"]), float(t.get("strong", 1.0))
        )
        for name, t in data["tasks"].items()
    }
    missing = [t for t in TASKS if t not in tasks]
    if missing:
        raise ValueError(f"model.json: missing tasks {missing}")
    table = _table(tasks)
    return Models(
        tasks=tasks,
        meta={k: v for k, v in data.items() if k != "tasks"},
        table=table,
        pair_starts=frozenset(f.split(" ", 1)[0] for f in table if " " in f),
        biases=tuple(tasks[name].bias for name in TASKS),
    )


@cache
def load() -> Models:
    return from_json(_read())
