"""The command line: summaries, the demo, and exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import vizlib
from tests.shared import SEED, require_shared
from vizlib.cli import main


def test_demo_prints_the_sample_summary() -> None:
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "sample_weather_tools.yaml" in result.output
    assert "get_weather ×2" in result.output
    assert "$0.000119" in result.output
    assert "983 input / 134 output tokens" in result.output


def test_demo_writes_a_cassette_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "sample.yaml"
    result = CliRunner().invoke(main, ["demo", "--write", str(target)])
    assert result.exit_code == 0
    assert vizlib.load(target).tool_calls.roundtrip.tolist() == [True, True]


def test_summary_of_the_seed() -> None:
    require_shared()
    result = CliRunner().invoke(main, ["summary", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "moonshotai/kimi-k2-0905" in result.output
    assert "add, multiply" in result.output
    assert "$0.000155" in result.output
    assert "479 input / 81 output tokens" in result.output


def test_some_inputs_failing_exit_1_and_the_rest_are_shown(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(vizlib.sample.sample_cassette())
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "missing.yaml"), str(good)])
    assert result.exit_code == 1
    assert "missing.yaml: no such file" in result.output
    assert "good.yaml" in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["summary"]).exit_code == 2
    assert CliRunner().invoke(main, ["nope"]).exit_code == 2


def test_help_explains_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("summary", "demo"):
        assert command in result.output
