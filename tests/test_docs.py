"""The README's promises, checked: its two commands, CI running the test one, rule names."""

from __future__ import annotations

import re
from pathlib import Path

from etl.checks import RULE_NAMES
from etl.load import analyse_text

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert first_block and README.index("```bash") < README.index("## ")
    commands = [line.split("#")[0].strip() for line in first_block[1].splitlines()]
    assert commands == ["scripts/start", "scripts/test"]
    for command in commands:
        assert (ROOT / command).stat().st_mode & 0o111, f"{command} is not executable"


def test_ci_runs_the_readme_test_command() -> None:
    commands = [
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line[:1] not in "#"
    ]
    assert [line.split("#")[0].strip() for line in commands][-1] == "exec scripts/test"


def test_readme_lists_every_rule_name() -> None:
    for rule in RULE_NAMES:
        assert f"`{rule}`" in README


def test_rule_names_cover_what_the_rules_emit() -> None:
    seed = ROOT / "data" / "reports" / "2020-tianxin-transport-bureau.txt"
    emitted = {c.rule for c in analyse_text(seed.read_text(encoding="utf-8")).checks}
    assert emitted <= set(RULE_NAMES)


def test_every_etl_command_in_the_readme_runs_as_written() -> None:
    """Each `python -m etl …` is written with the project's venv (a fresh shell has no etl on
    its path) and names a command the CLI has: its --help exits 0."""
    import contextlib
    import io

    import pytest

    from etl.__main__ import main

    bare = re.findall(r"(?<![/\w])python -m etl\b", README)
    assert bare == [], "write .venv/bin/python -m etl"
    commands = set(re.findall(r"\.venv/bin/python -m etl (\w+)", README))
    assert {"load", "demo", "rebuild", "manual", "template", "extract", "evaluate"} <= commands
    for command in sorted(commands):
        with contextlib.redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0, command
