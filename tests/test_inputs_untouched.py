"""Input files are only ever read: bytes and modification times are the same after every operation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import vizlib
from tests.shared import SHARED, require_shared
from vizlib.cli import main
from vizlib.views.widget import CassetteView


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_no_operation_writes_to_its_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    inputs = tmp_path / "inputs"
    for relative in ("seed", "langchaingo", "mirascope", "ruby_llm"):
        shutil.copytree(SHARED / relative, inputs / relative)
    before = snapshot(inputs)
    seed = inputs / "seed" / "multi_tool_streaming_kimi-k2.yaml"
    cassette = vizlib.load(seed)
    for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
        getattr(cassette, frame)
    CassetteView(cassette)
    vizlib.load_many(inputs, progress=False)
    vizlib.load_many(inputs, progress=False)  # warm, from the cache
    vizlib.report(inputs, tmp_path / "out" / "report.html")
    runner = CliRunner()
    assert runner.invoke(main, ["summary", str(inputs)]).exit_code == 0
    assert (
        runner.invoke(main, ["report", str(inputs), "-o", str(tmp_path / "r.html")]).exit_code == 0
    )
    assert snapshot(inputs) == before
    assert not list(inputs.rglob("*.parquet"))


def test_unreadable_file_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.yaml"
    locked.write_text(vizlib.sample.sample_cassette())
    real_open, real_os_open = Path.open, os.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def refuse_os(path: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    # as a file whose mode denies reading does (tests may run as root, which mode does not stop)
    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(os, "open", refuse_os)
    result = CliRunner().invoke(main, ["summary", str(locked)])
    assert result.exit_code == 1
    assert f"error: {locked}: cannot read: Permission denied" in result.output
    with pytest.raises(vizlib.CassetteError, match="cannot read: Permission denied"):
        vizlib.load(locked)


def test_a_file_that_is_not_a_cassette_is_one_clear_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("shopping:\n  - milk\n")
    result = CliRunner().invoke(main, ["summary", str(notes)])
    assert result.exit_code == 1
    expected = f"error: {notes}: not a cassette: found a mapping with keys shopping"
    assert result.output.strip() == expected


@pytest.mark.parametrize(
    ("inputs", "output"),
    [
        (["dir"], "dir/x.yaml"),  # a file found in an input folder
        (["dir/*.yaml"], "dir/y.yaml"),  # a file a glob matched
        (["c.yaml"], "hard.txt"),  # a hard link to an input
    ],
    ids=["in a folder", "matched by a glob", "a hard link"],
)
def test_check_never_writes_its_findings_over_an_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inputs: list[str], output: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    for name in ("dir/x.yaml", "dir/y.yaml", "c.yaml"):
        (tmp_path / name).write_text(vizlib.sample.sample_cassette())
    os.link(tmp_path / "c.yaml", tmp_path / "hard.txt")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", *inputs, "-o", output])
    assert result.exit_code == 2
    assert "is an input" in result.output
    assert snapshot(tmp_path) == before
