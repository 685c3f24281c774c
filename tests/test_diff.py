"""Comparing recordings: a real re-recording, folders, and two revisions of a git repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import vizlib
from tests.shared import SEED, SHARED, require_shared
from tests.wire import count_sse_events
from vizlib import gitsource
from vizlib.analysis.diff import diff_cassettes
from vizlib.cli import main
from vizlib.synthetic import synthetic_cassette

RERECORDED = "fantasy/TestOpenRouterCommon/kimi/multi_tool_streaming.yaml"


def numbers(pair: object) -> dict[str, tuple[float, float]]:
    return {n.name: (n.old, n.new) for n in pair.numbers}  # type: ignore[attr-defined]


def test_seed_against_its_re_recording() -> None:
    require_shared()
    result = vizlib.diff(SEED, SHARED / RERECORDED)
    (pair,) = result.cassettes
    assert pair.status == "changed"
    assert pair.summary == (
        "same conversation, model moonshotai/kimi-k2-0905 → moonshotai/kimi-k2.5, tool calls unchanged, "
        "44 → 165 chunks, 119% more output tokens"
    )
    first, second = pair.interactions
    assert (first.old, first.new, second.old, second.new) == (0, 0, 1, 1)
    assert [c.where for c in first.request] == ["model"]
    assert (first.request[0].old, first.request[0].new) == (
        "moonshotai/kimi-k2-0905",
        "moonshotai/kimi-k2.5",
    )
    assert numbers(first)["chunks"] == (40, 84)
    assert numbers(second)["chunks"] == (4, 81)
    assert numbers(first)["input tokens"] == (197, 125)
    assert numbers(first)["output tokens"] == (53, 97)
    assert numbers(second)["output tokens"] == (28, 80)
    assert numbers(first)["cost (USD)"] == (0.00015542, 0.00023492)
    assert numbers(second)["cost (USD)"] == (0.000197, 0.00024668)
    assert numbers(first)["tool calls"] == (2, 2)
    response = [c.where for c in first.response]
    assert "tool calls" not in response
    assert "tool call arguments" not in response  # same names, same parsed arguments
    assert "text" in response
    assert "reasoning" in response
    html = result._repr_html_()
    assert "119% more output tokens" in html
    assert "moonshotai/kimi-k2.5" in html


def test_identical_recordings_are_the_same() -> None:
    require_shared()
    d = diff_cassettes(vizlib.load(SEED), vizlib.load(SEED))
    assert d.status == "same"
    assert d.summary == "same conversation, tool calls unchanged"
    assert all(p.status == "same" for p in d.interactions)


def test_added_and_removed_interactions_and_cassettes(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.yaml").write_text(synthetic_cassette(60, seed=1))
    (new / "a.yaml").write_text(synthetic_cassette(60, seed=1))
    (old / "gone.yaml").write_text(synthetic_cassette(40, seed=2))
    (new / "fresh.yaml").write_text(synthetic_cassette(40, seed=3))
    result = vizlib.diff(old, new)
    assert [(d.name, d.status) for d in result.cassettes] == [
        ("a.yaml", "same"),
        ("fresh.yaml", "added"),
        ("gone.yaml", "removed"),
    ]
    one = vizlib.load(synthetic_cassette(60, seed=1), name="x.yaml")
    shorter = vizlib.load_sample()
    d = diff_cassettes(one, shorter)
    assert {p.status for p in d.interactions} <= {"changed", "same", "added", "removed"}


def events(text: str) -> int:
    """SSE events in every response of a cassette, counted independently of vizlib."""
    return sum(
        count_sse_events(i["response"]["body"]) for i in yaml.safe_load(text)["interactions"]
    )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_diff_between_two_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    cassettes = repo / "testdata" / "cassettes"
    cassettes.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    (cassettes / "weather.yaml").write_text(synthetic_cassette(80, seed=1, calls=2))
    (cassettes / "stays.yaml").write_text(synthetic_cassette(30, seed=5, calls=1))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "record")
    (cassettes / "weather.yaml").write_text(synthetic_cassette(120, seed=1, calls=2))
    (cassettes / "new.yaml").write_text(synthetic_cassette(30, seed=7, calls=0))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "re-record")
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(
        main, ["diff", "--git", "HEAD~1", "HEAD", str(cassettes), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "added    new.yaml: added (2 interactions)"
    assert lines[1] == "same     stays.yaml: same conversation, tool calls unchanged"
    before, after = (
        events(synthetic_cassette(80, seed=1, calls=2)),
        events(synthetic_cassette(120, seed=1, calls=2)),
    )
    assert lines[2].startswith(
        f"changed  weather.yaml: same conversation, tool call arguments changed, {before} → {after} chunks"
    )
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "testdata/cassettes at HEAD~1" in page or f"{cassettes} at HEAD~1" in page
    assert "<script" not in page


def test_git_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["diff", "--git", "A", "B", str(tmp_path), "-o", str(tmp_path / "d.html")]
    )
    assert result.exit_code == 1
    assert "git rev-parse failed" in result.output


def test_diff_usage(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["diff", "only-one"]).exit_code == 2
    assert runner.invoke(main, ["diff", "--git", "a", "b"]).exit_code == 2


@pytest.mark.parametrize("redact", [True, False])
def test_diff_pages_redact_secrets(tmp_path: Path, redact: bool) -> None:
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(synthetic_cassette(30, seed=1))
    new.write_text(
        synthetic_cassette(30, seed=1).replace(
            "Weather for my trip?", "Weather? key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123"
        )
    )
    args = ["diff", str(old), str(new), "-o", str(tmp_path / "d.html")] + (
        [] if redact else ["--no-redact"]
    )
    assert CliRunner().invoke(main, args).exit_code == 0
    page = (tmp_path / "d.html").read_text()
    assert ("sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123" in page) is (not redact)


def _login_cassette(password: str, token: str, model: str) -> str:
    """A chat request whose parameters carry a password and a session token, as an agent's may."""
    document = yaml.safe_load(synthetic_cassette(30, seed=1))
    request = document["interactions"][0]["request"]
    body = yaml.safe_load(request["body"])
    body.update(model=model, login={"user": "ada", "password": password}, session_token=token)
    request["body"] = json.dumps(body)
    return yaml.safe_dump(document, sort_keys=False, width=10_000)


@pytest.mark.parametrize("redact", [True, False])
def test_credential_fields_that_changed_are_masked_in_the_diff(
    tmp_path: Path, redact: bool
) -> None:
    # a page that masks the finished HTML misses fields: its quotes are `&#34;` by then
    secrets = [
        "Pw8fT2xQ7vLm4Nz",
        "Pw3kJ9sD1hGf6Rb",
        "tok8Hq2Lm5Xc9Vb3Nk7Pz4Ws",
        "tok1Zr6Yt3Ua8Ei5Oq2Jd",
    ]
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(_login_cassette(secrets[0], secrets[2], "gpt-4o-mini"))
    new.write_text(_login_cassette(secrets[1], secrets[3], "gpt-4o"))
    args = ["diff", str(old), str(new), "-o", str(tmp_path / "d.html")]
    assert CliRunner().invoke(main, args + ([] if redact else ["--no-redact"])).exit_code == 0
    page = (tmp_path / "d.html").read_text()
    notebook = vizlib.diff(old, new, redact=redact)._repr_html_()
    for shown in (page, notebook):
        assert "gpt-4o-mini" in shown  # the change beside them is shown either way
        for secret in secrets:
            assert (secret in shown) is (not redact)
    # compared as shown: masked, the two passwords are alike, so no change quotes one
    (pair,) = vizlib.diff(old, new, redact=redact).cassettes
    changed = {c.where for c in pair.interactions[0].request}
    assert "parameter model" not in changed  # the model is a request field of its own
    assert changed >= {"model"}
    assert ({"parameter login", "parameter session_token"} <= changed) is (not redact)


def test_a_revision_s_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "t@example.com")
    _git(repo, "config", "user.name", "t")
    small, large = synthetic_cassette(10, seed=1), synthetic_cassette(400, seed=2)
    (repo / "small.yaml").write_text(small)
    (repo / "large.yaml").write_text(large)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "record")
    limit = len(small.encode()) + 1
    assert len(large.encode()) > limit
    monkeypatch.setenv("VIZLIB_MAX_FILE_BYTES", str(limit))
    shown: list[str] = []
    real_git = gitsource._git

    def git(root: Path, *args: str) -> bytes:
        if args[0] == "show":
            shown.append(args[1])
        return real_git(root, *args)

    monkeypatch.setattr(gitsource, "_git", git)
    cassettes, errors = gitsource.cassettes_at(repo, "HEAD")
    assert list(cassettes) == ["small.yaml"]
    assert shown == ["HEAD:small.yaml"]
    [error] = errors
    assert str(error).startswith(
        f"HEAD:large.yaml: the file is {len(large.encode()):,} bytes; the limit is {limit:,}"
    )
