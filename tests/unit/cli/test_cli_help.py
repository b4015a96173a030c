"""`notifier --help` and every command's help: each argument described with an example,
examples that really parse, --env-file before or after the command, group names in any case."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterator

import pytest

from notifier.cli import build_parser

HIDDEN = argparse.SUPPRESS


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def visible(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction) and a.help != HIDDEN
    ]


ALL = list(commands(build_parser()))
LEAVES = [(p, sp) for p, sp in ALL if p and not any(
    isinstance(a, argparse._SubParsersAction) and a.required for a in sp._actions
)]  # fmt: skip


@pytest.mark.parametrize(("path", "parser"), ALL, ids=[" ".join(p) or "notifier" for p, _ in ALL])
def test_every_argument_is_described_with_an_example(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    for action in visible(parser):
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"notifier {' '.join(path)} {name}: no help text"
        takes_value = action.nargs != 0 and not action.choices
        if takes_value:
            assert "e.g." in action.help, f"notifier {' '.join(path)} {name}: no example"


@pytest.mark.parametrize(("path", "parser"), LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_shows_examples_that_parse(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    assert parser.epilog and parser.epilog.startswith("examples:"), " ".join(path)
    lines = [line.strip() for line in parser.epilog.splitlines()[1:] if line.strip()]
    assert lines
    for line in lines:
        argv = shlex.split(line.split("  #")[0])
        assert argv[0] == "notifier"
        args = build_parser().parse_args(argv[1:])  # SystemExit (a failure) if it does not
        assert args.func is not None
    assert "examples:" in parser.format_help()


def test_env_file_works_before_and_after_the_command() -> None:
    p = build_parser()
    assert p.parse_args(["--env-file", "a.env", "clients", "list"]).env_file == "a.env"
    assert p.parse_args(["clients", "list", "--env-file", "b.env"]).env_file == "b.env"
    assert p.parse_args(
        ["alerts", "claim", "3", "--by", "x@y.z", "--env-file", "c.env"]
    ).env_file == ("c.env")
    assert p.parse_args(["clients", "list"]).env_file is None


@pytest.mark.parametrize(
    "argv",
    [
        ["followup", "Evening"],
        ["clients", "list", "--group", "EVENING"],
        ["sessions", "list", "--group", " Evening "],
        ["sessions", "cancel", "--group", "Evening", "--date", "2026-12-02"],
        ["attendance", "list", "--group", "EVENING"],
        ["attendance", "mark", "--group", "Evening", "--date", "2026-12-02", "--client", "C1",
         "--status", "late"],
    ],
)  # fmt: skip
def test_group_names_are_case_insensitive(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).group == "evening"


def test_staff_groups_are_case_insensitive() -> None:
    args = build_parser().parse_args(
        ["staff", "add", "a@b.c", "--name", "A", "--groups", "Evening,MORNING"]
    )
    assert args.groups == "evening,morning"
