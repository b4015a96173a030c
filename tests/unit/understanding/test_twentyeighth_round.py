"""The twenty-eighth round: use precision. Only the client's own overdose is their use; an
emergency told about someone else, with no "I" from the client, carries no use signal."""

from __future__ import annotations

import pytest

from notifier.understanding import classify


@pytest.mark.parametrize(
    "text",
    [
        "my cousin on the floor lips blue not breathing",
        "gave him the narcan and hes still barely breathing, lips blue",
        "mi amiga no reacciona, ella tiene los labios morados",
    ],
)
def test_twentyeighth_round_someone_elses_overdose_is_911_without_the_clients_use(
    text: str,
) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent, r.rule
    assert "use" not in r.signals


@pytest.mark.parametrize(
    "text",
    [
        "took 30 of my pills, lips going blue",
        "me tome 30 pastillas y tengo los labios morados",
        "i shot up in the bathroom and now my lips are blue",
    ],
)
def test_twentyeighth_round_the_clients_own_overdose_is_still_use(text: str) -> None:
    r = classify(text, backstop=False)
    assert r.category == "crisis" and r.urgent and "use" in r.signals, r.rule
