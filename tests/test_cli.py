"""The command line: summaries, reports, the demo, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import vizlib
from tests.shared import SEED, require_shared
from vizlib.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_demo_prints_the_summary_and_writes_the_report(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "demo.html"
    result = runner.invoke(main, ["demo", "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert "sample_weather_tools.yaml" in result.output
    assert "get_weather ×2" in result.output
    assert "983 input / 134 output tokens" in result.output
    assert f"wrote {report}" in result.output
    assert report.read_text().startswith("<!DOCTYPE html>")


def test_demo_can_save_the_sample_cassette(runner: CliRunner, tmp_path: Path) -> None:
    cassette = tmp_path / "sample.yaml"
    result = runner.invoke(
        main, ["demo", "-o", str(tmp_path / "r.html"), "--save-cassette", str(cassette)]
    )
    assert result.exit_code == 0
    assert vizlib.load(cassette).tool_calls.roundtrip.tolist() == [True, True]


def test_summary_of_the_seed(runner: CliRunner) -> None:
    require_shared()
    result = runner.invoke(main, ["summary", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "moonshotai/kimi-k2-0905" in result.output
    assert "add, multiply" in result.output
    assert "$0.000155" in result.output
    assert "479 input / 81 output tokens" in result.output


def test_report_of_files_and_folders(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "cassettes" / "nested"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(vizlib.sample.sample_cassette())
    (folder / "notes.txt").write_text("not a cassette, and not looked at")
    out = tmp_path / "out" / "report.html"
    result = runner.invoke(main, ["report", str(tmp_path / "cassettes"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "nested/a.yaml" in page
    assert "notes.txt" not in page


def test_some_inputs_failing_exit_1_and_the_rest_are_reported(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(vizlib.sample.sample_cassette())
    bad = tmp_path / "bad.yaml"
    bad.write_text("just: [a mapping")
    out = tmp_path / "r.html"
    result = runner.invoke(
        main, ["report", str(tmp_path / "missing.yaml"), str(bad), str(good), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "missing.yaml: no such file" in result.output
    assert "bad.yaml: not valid YAML or JSON" in result.output
    page = out.read_text()
    assert "good.yaml" in page
    assert "Inputs that could not be read" in page
    summary = runner.invoke(main, ["summary", str(tmp_path / "missing.yaml"), str(good)])
    assert summary.exit_code == 1
    assert "good.yaml" in summary.output


def test_nothing_readable_writes_no_report(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["report", str(empty), "-o", str(out)])
    assert result.exit_code == 1
    assert "directory holds no cassettes" in result.output
    assert "no report written" in result.output
    assert not out.exists()


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["summary"]).exit_code == 2
    assert runner.invoke(main, ["report"]).exit_code == 2
    assert runner.invoke(main, ["nope"]).exit_code == 2


def test_help_explains_every_command(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("summary", "report", "demo"):
        assert command in result.output
        sub = runner.invoke(main, [command, "--help"])
        assert sub.exit_code == 0
        assert len(sub.output.splitlines()) > 4
