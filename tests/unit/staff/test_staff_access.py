"""Who may see which group: one rule (notifier.staff.accounts.may_see_group), used by the group
and client dependencies, the alert link and the home page."""

from __future__ import annotations

from collections.abc import Callable

from notifier.core.models import ADMIN, FACILITATOR
from notifier.core.settings import Settings
from notifier.staff.accounts import may_see_group, visible_groups


def test_an_admin_sees_every_group_and_what_has_none() -> None:
    assert may_see_group(ADMIN, (), "evening")
    assert may_see_group(ADMIN, (), None)


def test_a_facilitator_sees_only_the_groups_on_their_account() -> None:
    assert may_see_group(FACILITATOR, ("evening",), "evening")
    assert not may_see_group(FACILITATOR, ("evening",), "morning")
    assert not may_see_group(FACILITATOR, ("evening",), None)  # no group: an admin's only
    assert not may_see_group("Admin", ("evening",), "morning")  # roles are exact


def test_visible_groups_follow_the_rule_in_settings_order(
    make_settings: Callable[..., Settings],
) -> None:
    s = make_settings()  # evening; morning
    assert visible_groups(ADMIN, (), s) == ("evening", "morning")
    assert visible_groups(FACILITATOR, ("morning", "gone"), s) == ("morning",)
