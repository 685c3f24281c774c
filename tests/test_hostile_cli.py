"""The CLI against hostile inputs and outputs: inputs never overwritten, text made safe to print."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import vizlib
from tests.hostile import Call, build, chat_request, chat_response
from vizlib.cli import main
from vizlib.sample import sample_cassette
from vizlib.standalone.save import OutputIsInput, write_report
from vizlib.terminal import cell, markup, plain


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "x.yaml").write_text(sample_cassette())
    (tmp_path / "c.yaml").write_text(sample_cassette())
    (tmp_path / "link.html").symlink_to(tmp_path / "c.yaml")
    os.link(tmp_path / "c.yaml", tmp_path / "hard.html")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "victim"),
    [
        (["report", "c.yaml", "-o", "c.yaml"], "c.yaml"),
        (["report", "c.yaml", "-o", "./sub/../c.yaml"], "c.yaml"),
        (["report", "c.yaml", "-o", "link.html"], "c.yaml"),
        (["report", "c.yaml", "-o", "hard.html"], "c.yaml"),
        (["report", "dir", "-o", "dir/x.yaml"], "dir/x.yaml"),
        (["diff", "c.yaml", "dir/x.yaml", "-o", "dir/x.yaml"], "dir/x.yaml"),
        (["diff", "dir", "c.yaml", "-o", "dir/x.yaml"], "dir/x.yaml"),
        (["demo", "-o", "c.yaml", "--save-cassette", "c.yaml"], "c.yaml"),
    ],
)
def test_an_output_that_is_an_input_is_refused(
    inputs: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], victim: str
) -> None:
    monkeypatch.chdir(inputs)
    (inputs / "sub").mkdir()
    before = (inputs / victim).read_bytes()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "is an input" in result.output
    assert "not overwritten" in result.output
    assert (inputs / victim).read_bytes() == before


def test_a_new_output_beside_the_inputs_is_written(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(inputs)
    result = CliRunner().invoke(main, ["report", "dir", "-o", "dir/report.html"])
    assert result.exit_code == 0, result.output
    assert (inputs / "dir" / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert not [p for p in (inputs / "dir").iterdir() if p.name.startswith(".report.html.")]


def test_write_report_refuses_an_input(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    cassette.write_text(sample_cassette())
    with pytest.raises(OutputIsInput, match="is an input"):
        write_report("<html>", cassette, inputs=[cassette])
    assert cassette.read_text() == sample_cassette()


def test_an_output_that_cannot_be_written_is_one_line(inputs: Path) -> None:
    output = inputs / "c.yaml" / "report.html"  # its folder is a file
    result = CliRunner().invoke(main, ["report", str(inputs / "c.yaml"), "-o", str(output)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: cannot write {output}: ")
    assert "Traceback" not in result.output


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = inputs / "report.html"
    output.write_text("old")

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = CliRunner().invoke(main, ["report", str(inputs / "c.yaml"), "-o", str(output)])
    assert result.exit_code == 2
    assert f"error: cannot write {output}: No space left on device" in result.output
    assert output.read_text() == "old"
    assert sorted(p.name for p in inputs.iterdir() if p.name.startswith(".")) == []


def test_an_unreadable_subfolder_is_reported(inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = inputs / "dir" / "locked"
    locked.mkdir()
    (locked / "y.yaml").write_text(sample_cassette())
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    result = CliRunner().invoke(main, ["summary", str(inputs / "dir")])
    assert result.exit_code == 1
    assert f"error: {locked}: cannot read folder: Permission denied" in result.output
    assert "x.yaml  (go-vcr, 2 interactions)" in result.output
    check = CliRunner().invoke(main, ["check", str(inputs / "dir")])
    assert "cannot read folder: Permission denied" in check.output
    assert check.exit_code == 1
    out = inputs.parent / "r.html"
    report = CliRunner().invoke(main, ["report", str(inputs / "dir"), "-o", str(out)])
    assert report.output.count("cannot read folder: Permission denied") == 1  # said once
    assert out.read_text().count("cannot read folder: Permission denied") == 2  # top, index


def test_terminal_text_loses_escapes_and_markup() -> None:
    hostile = (
        "\x1b[2J\x1b]0;title\x07\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\ [/x] \x9b31m\x08é\u202e"
    )
    assert plain(hostile) == "link [/x] ?é?"
    assert plain("a\nb\tc") == "a b c"
    assert plain("a\r\nb", newlines=True) == "a?\nb"
    assert markup("[/x]") == "\\[/x]"
    assert cell("[bold]x").plain == "[bold]x"


def test_summary_prints_hostile_names_as_text(tmp_path: Path) -> None:
    name = "[/x]\x1b]0;owned\x07"
    cassette = tmp_path / "c.yaml"
    cassette.write_text(build("go-vcr", [Call(chat_request(name), chat_response(name))]))
    folder = tmp_path / "[red]folder"
    folder.mkdir()
    (folder / "[bad].yaml").write_text('"[/x]:smile:": 1\n')
    result = CliRunner().invoke(main, ["summary", str(cassette), str(folder)])
    assert result.exit_code == 1
    assert "[/x]" in result.output
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    assert f"error: {folder}/[bad].yaml: not a cassette: found a mapping with keys [/x]:smile:" in (
        result.output
    )


ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[1A\rall files clean \u202eevil"
SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


@pytest.mark.parametrize("output_format", ["human", "text", "github", "json", "sarif"])
def test_check_prints_what_a_file_holds_as_text(tmp_path: Path, output_format: str) -> None:
    # the keys of a file that is no cassette: quoted in its file/unreadable finding
    (tmp_path / "keys.yaml").write_text(json.dumps({ESCAPES: 1}))
    result = CliRunner().invoke(
        main, ["check", "--no-cache", "--format", output_format, str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "file/unreadable" in result.output
    assert "PWNED" in result.output  # the text stays, its escapes go
    shown = json.loads(result.output) if output_format in ("json", "sarif") else result.output
    assert not SHOWN.search(
        json.dumps(shown, ensure_ascii=False) if not isinstance(shown, str) else shown
    )


def test_scrub_prints_file_names_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "scrub"
    folder.mkdir()
    (folder / "a\x1b[2J\x1b]0;PWNED\x1b\\red.yaml").write_text(sample_cassette())
    result = CliRunner().invoke(main, ["scrub", "--in-place", str(folder)])
    assert result.exit_code == 0
    assert "ared.yaml: 0 secret(s) replaced" in result.output  # the sequences go whole
    assert "\x1b" not in result.output


def test_counts_beyond_int64_are_na() -> None:
    usage = {"prompt_tokens": 10**30, "completion_tokens": 2, "total_tokens": 10**30}
    text = build("go-vcr", [Call(chat_request(), chat_response(usage=usage))])
    cassette = vizlib.load(text, name="big.yaml")
    row = cassette.usage.iloc[0]
    assert row.input_tokens is pd.NA
    assert row.output_tokens == 2


def test_a_folder_s_links_to_files_outside_it_are_not_read(tmp_path: Path) -> None:
    folder, outside = tmp_path / "cassettes", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    private = sample_cassette().replace("travel assistant", "PRIVATE-WEATHER assistant")
    assert "PRIVATE-WEATHER" in private
    (outside / "private.yaml").write_text(private)
    (folder / "good.yaml").write_text(sample_cassette())
    (folder / "inside.yaml").symlink_to(folder / "good.yaml")  # a link within: read
    (folder / "leak.yaml").symlink_to(outside / "private.yaml")
    (folder / "env.yaml").symlink_to("/proc/self/environ")
    result = CliRunner().invoke(main, ["summary", str(folder)])
    assert result.exit_code == 1
    assert "PRIVATE-WEATHER" not in result.output
    for link in ("leak.yaml", "env.yaml"):
        assert f"error: {folder}/{link}: a link to a file outside the folder; not read" in (
            result.output
        )
    assert [name for _, name in vizlib.cassette.folder_files(folder)] == [
        "good.yaml",
        "inside.yaml",
    ]
    assert (
        "PRIVATE-WEATHER"
        not in vizlib.load_many(folder, cache=False, progress=False).messages.to_csv()
    )


def test_check_and_scrub_report_a_folder_s_links_out_of_it(tmp_path: Path) -> None:
    folder, outside = tmp_path / "cassettes", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "private.yaml").write_text(sample_cassette())
    (folder / "good.yaml").write_text(sample_cassette())
    (folder / "leak.yaml").symlink_to(outside / "private.yaml")
    check = CliRunner().invoke(main, ["check", "--no-cache", "--format", "text", str(folder)])
    assert f"{folder.as_posix()}/leak.yaml" in check.output
    assert "file/unreadable" in check.output
    assert "a link to a file outside the folder; not read" in check.output
    scrub = CliRunner().invoke(main, ["scrub", "--in-place", str(folder)])
    assert scrub.exit_code == 1
    assert f"{folder}/leak.yaml: a link to a file outside the folder; not read" in scrub.output
    assert (folder / "leak.yaml").is_symlink()  # neither followed nor replaced
