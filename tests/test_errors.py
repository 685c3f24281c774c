"""Input that is not a readable cassette raises CassetteError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import vizlib


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(vizlib.CassetteError, match=r"nope\.yaml: no such file"):
        vizlib.load(tmp_path / "nope.yaml")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(vizlib.CassetteError, match="is a directory"):
        vizlib.load(tmp_path)


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("interactions: [\n  - {request: ")
    with pytest.raises(vizlib.CassetteError, match=r"^bad\.yaml: not valid YAML or JSON"):
        vizlib.load(path)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("just a string\n", "a str"),
        ("- 1\n- 2\n", "a list"),
        ("{}", "an empty mapping"),
        ("", "an empty document"),
        ("foo: 1\nbar: 2\n", "a mapping with keys bar, foo"),
    ],
)
def test_not_a_cassette(text: str, found: str) -> None:
    with pytest.raises(vizlib.CassetteError) as info:
        vizlib.load(text.encode(), name="x.yaml")
    assert str(info.value) == f"x.yaml: not a cassette: found {found}"


def test_bad_interaction_is_located() -> None:
    text = "version: 2\ninteractions:\n  - request: {url: 'https://a/v1/chat/completions'}\n  - 7\n"
    with pytest.raises(vizlib.CassetteError) as info:
        vizlib.load(text, name="x.yaml")
    assert info.value.interaction == 1
    assert str(info.value).startswith("x.yaml, interaction 1: expected a mapping")


def test_bad_json_event_is_kept_as_an_error_chunk() -> None:
    body = 'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {"choices": [\n\ndata: [DONE]\n\n'
    request = {"url": "https://a/v1/chat/completions"}
    text = yaml.safe_dump(
        {
            "version": 2,
            "interactions": [{"request": request, "response": {"code": 200, "body": body}}],
        }
    )
    c = vizlib.load(text, name="x.yaml")
    assert c.chunks.kind.tolist() == ["text", "error", "control"]
    assert c.chunks.raw.tolist()[1] == '{"choices": ['
    assert c.chunks.error.iloc[1].startswith("invalid JSON")
    assert c.chunks.line.tolist() == [1, 3, 5]
