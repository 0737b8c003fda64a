"""Every command and every option is documented in README.md."""

from __future__ import annotations

from pathlib import Path

import click

from sanitize.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert f"`{name}`" in README or f"sanitize {name}" in README, name


def test_every_option_is_documented() -> None:
    for command in main.commands.values():
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                assert any(f"`{opt}" in README or f" {opt}" in README for opt in parameter.opts), (
                    command.name,
                    parameter.opts,
                )


def test_readme_opens_with_the_two_commands() -> None:
    block = README.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0].startswith("pip install . && sanitize samples/")
    assert "pytest" in block[1]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert block[1] in ci
