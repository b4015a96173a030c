"""The table shape of the reply-classification contract tables, and every language's rows
(cases_<lang>.py) gathered per table for the one suite in test_classify.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from notifier.understanding import classify

if TYPE_CHECKING:
    from _pytest.mark import ParameterSet

NONE: tuple[str, ...] = ()
R = ("reminder",)
C = ("checkin",)
RC = ("reminder", "checkin")
CR = ("checkin", "reminder")
FIELDS = "body, opted_out, open_prompts, expected_category, expected_score"


def case(
    case_id: str,
    body: str,
    category: str,
    score: int | None = None,
    *,
    opted_out: bool = False,
    prompts: tuple[str, ...] = NONE,
) -> ParameterSet:
    return pytest.param(body, opted_out, prompts, category, score, id=case_id)


def check(
    body: str,
    opted_out: bool,
    open_prompts: tuple[str, ...],
    expected_category: str,
    expected_score: int | None,
) -> None:
    result = classify(body, opted_out=opted_out, open_prompts=open_prompts)
    assert (result.category, result.score) == (expected_category, expected_score)
    assert result.rule, "every result names the rule that decided it"
    if expected_category == "opt_out":
        assert result.revokes
    elif expected_category not in ("crisis", "concern"):
        assert not result.revokes


def by_language(table: str) -> list[ParameterSet]:
    """Every language's rows of one table (``"crisis"``, ``"opt_out_keywords"``...), each id
    prefixed with its language. A language without the table contributes nothing."""
    from tests.helpers import cases_en, cases_es

    out: list[ParameterSet] = []
    for lang, module in (("en", cases_en), ("es", cases_es)):
        for row in getattr(module, table.upper(), []):
            out.append(pytest.param(*row.values, id=f"{lang}-{row.id}"))
    return out
