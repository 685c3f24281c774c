"""`vizlib scrub`: secrets replaced by exact substitution, everything else as it was."""

from __future__ import annotations

import base64
import binascii
import os
import re
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import vizlib
from tests.shared import require_shared
from tests.test_check import SECRETS, seeded_govcr, seeded_gzip
from vizlib.check import run_check
from vizlib.check.scan import scan_file
from vizlib.check.scrub import PLACEHOLDER, scrub_content
from vizlib.cli import main
from vizlib.errors import CassetteError

_RUN = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def _readable(text: str) -> str:
    """The text with the base64 runs in it decoded alongside, where they are text."""
    parts = [text]
    for run in _RUN.findall(text):
        try:
            parts.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode())
        except (binascii.Error, UnicodeDecodeError):
            continue
    return "\n".join(parts)


def _holds_secret(text: str) -> bool:
    readable = _readable(text)
    return any(value in readable for value in SECRETS.values())


def _leaves(node: Any, path: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        return {
            k: v for key, item in node.items() for k, v in _leaves(item, f"{path}/{key}").items()
        }
    if isinstance(node, list):
        return {
            k: v for i, item in enumerate(node) for k, v in _leaves(item, f"{path}/{i}").items()
        }
    return {path: node}


def test_scrub_round_trips_a_seeded_cassette(tmp_path: Path) -> None:
    require_shared()
    seeded = seeded_govcr(tmp_path)
    out = tmp_path / "scrubbed.yaml"
    result = CliRunner().invoke(main, ["scrub", str(seeded), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 secret(s) replaced" in result.output
    for value in SECRETS.values():
        assert value not in result.output
    # vizlib check finds no secret left
    assert [f for f in run_check([out]).findings if f.rule.startswith("secret/")] == []
    # the document read by PyYAML: the same but for the strings that held a secret
    before = _leaves(yaml.safe_load(seeded.read_text()))
    after = _leaves(yaml.safe_load(out.read_text()))
    assert before.keys() == after.keys()
    changed = [k for k in before if before[k] != after[k]]
    # Authorization, X-Api-Key, URL, X-Custom-Note, two request bodies, the SSE response
    assert len(changed) == 7
    for key in changed:
        assert _holds_secret(before[key]), key
        assert not _holds_secret(after[key]), key
        assert PLACEHOLDER in _readable(after[key]), key
    # bytes: only the secrets' spans differ (base64 runs re-encoded where they held one)
    assert len(out.read_bytes()) < len(seeded.read_bytes())
    # the frames: every cell equal, but for text cells that held a secret
    original, scrubbed = vizlib.load(seeded), vizlib.load(out)
    differing = 0
    for frame in ("interactions", "chunks", "messages", "tool_calls", "usage"):
        a, b = getattr(original, frame), getattr(scrubbed, frame)
        assert a.shape == b.shape, frame
        assert list(a.columns) == list(b.columns)
        for column in a.columns:
            if column in ("cassette", "args"):
                continue
            for x, y in zip(a[column], b[column], strict=True):
                same = (pd.isna(x) and pd.isna(y)) if _scalar_na(x) else x == y
                if not same:
                    differing += 1
                    assert isinstance(x, str), (frame, column)
                    assert _holds_secret(x) or frame == "interactions", (frame, column)
                    assert not _holds_secret(y), (frame, column)
    assert differing > 0


def _scalar_na(value: Any) -> bool:
    return not isinstance(value, list | dict | tuple | str) and bool(pd.isna(value))


def test_a_secret_inside_a_gzip_body_is_reported_not_scrubbable(tmp_path: Path) -> None:
    require_shared()
    seeded = seeded_gzip(tmp_path)
    content = seeded.read_bytes()
    result = scrub_content(content, seeded.name)
    assert [f.rule for f in result.unscrubbable] == ["secret/oauth-token"]
    assert result.replaced == []
    assert result.content == content
    out = tmp_path / "copy.yaml"
    run = CliRunner().invoke(main, ["scrub", str(seeded), "-o", str(out)])
    assert run.exit_code == 1
    assert "not scrubbable (response body): secret/oauth-token" in run.output
    assert SECRETS["oauth"] not in run.output


def test_scrub_never_writes_without_being_told_where(tmp_path: Path) -> None:
    require_shared()
    seeded = seeded_govcr(tmp_path)
    content = seeded.read_bytes()
    runner = CliRunner()
    assert runner.invoke(main, ["scrub", str(seeded)]).exit_code == 2
    assert runner.invoke(main, ["scrub", str(seeded), "-o", str(seeded)]).exit_code == 2
    other = tmp_path / "other.yaml"
    other.write_bytes(content)
    both = ["scrub", str(seeded), str(other), "-o", str(tmp_path / "x.yaml")]
    assert runner.invoke(main, both).exit_code == 2
    assert seeded.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.yaml", "seeded.yaml"]


def test_scrub_in_place_rewrites_each_input(tmp_path: Path) -> None:
    require_shared()
    seeded = seeded_govcr(tmp_path)
    result = CliRunner().invoke(main, ["scrub", "--in-place", str(seeded)])
    assert result.exit_code == 0, result.output
    text = seeded.read_text()
    assert not _holds_secret(text)
    assert text.count(PLACEHOLDER) >= 8
    assert [p.name for p in tmp_path.iterdir()] == ["seeded.yaml"]  # no temporary file left


def test_a_clean_file_is_left_byte_for_byte(tmp_path: Path) -> None:
    require_shared()
    from tests.shared import SEED  # noqa: PLC0415

    result = scrub_content(SEED.read_bytes(), SEED.name)
    assert (result.replaced, result.unscrubbable, result.error) == ([], [], None)
    assert result.content == SEED.read_bytes()


def _limited_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a child with 3 GiB of address space and a minute to end."""

    def limit() -> None:  # a read that never ends fails here rather than filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run(
        [sys.executable, "-c", "from vizlib.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
        check=False,
    )


def test_scrub_and_check_refuse_special_and_oversized_files(tmp_path: Path) -> None:
    """A FIFO (which blocks a reader), /dev/zero (which never ends) and a 3 GiB file."""
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as out:  # sparse
        out.truncate(3 << 30)
    expected = {
        fifo: "cannot read: not a regular file (a FIFO)",
        zero: "cannot read: not a regular file (a character device)",
        huge: "the file is 3,221,225,472 bytes; the limit is 1,073,741,824 (file_bytes",
    }
    for path, message in expected.items():
        scrubbed = _limited_cli(["scrub", str(path), "-o", str(tmp_path / "out.yaml")])
        assert scrubbed.returncode == 1, scrubbed.stderr
        assert " ".join(scrubbed.stderr.split()).startswith(f"error: {path}: {message}")
        assert not (tmp_path / "out.yaml").exists()
    checked = _limited_cli(["check", *map(str, expected)])
    assert checked.returncode == 1, checked.stderr
    assert "3 findings (3 errors) in 3 of 3 files" in checked.stdout
    assert f"{huge}  error  file/unreadable  the file is 3,221,225,472 bytes" in checked.stdout


def test_a_missing_file_gives_one_reason_to_load_check_and_scrub(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    with pytest.raises(CassetteError) as raised:
        vizlib.load(missing)
    assert raised.value.reason == "no such file"
    assert scan_file(missing, missing.name).error == "no such file"
    scrubbed = CliRunner().invoke(main, ["scrub", str(missing), "-o", str(tmp_path / "o.yaml")])
    assert scrubbed.exit_code == 1
    assert f"error: {missing}: no such file" in " ".join(scrubbed.output.split())
