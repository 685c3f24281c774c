"""Hostile cassettes (issue 11) in every container they apply to: each opens safely.

Every case runs in a forked child under 2 GiB of address space and 15 s of
CPU (see `tests/hostile.py`): it loads the file, builds every frame, and runs
`vizlib summary` and `vizlib report`. It must end with a CassetteError or a
clean result, make no request to the local server that the cassette names,
and put no byte of the local files it points at in any output.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import brotli
import pytest
import yaml
import zstandard

import vizlib
from tests.hostile import (
    CONTAINERS,
    SERVER,
    SUFFIX,
    YAML_CONTAINERS,
    Call,
    Sandbox,
    build,
    chat_request,
    chat_response,
    tool,
)
from tests.pages import readable
from tests.shared import SHARED, require_shared
from vizlib import cache as frame_cache
from vizlib import limits
from vizlib.errors import CassetteError

FILE_SECRET = "TOP-SECRET-LOCAL-FILE-8c1f"
CLIENT_SECRET = "client-secret-VALUE-53a9"
SERVED = "SERVED-BY-TEST-SERVER"
MIB = 1 << 20
CHUNKS = (
    100_000  # the chunk limit set for the case that passes it (the default, 4 M, is slow to build)
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The sandbox, a local server that logs requests, and local files that must never be read."""
    root = tmp_path_factory.mktemp("hostile")
    secret = root / "secret.json"
    secret.write_text(json.dumps({"type": "object", "description": FILE_SECRET}))
    credentials = root / "application_default_credentials.json"
    credentials.write_text(
        json.dumps({"client_secret": CLIENT_SECRET, "refresh_token": f"1//{CLIENT_SECRET}"})
    )
    log = root / "requests.log"
    log.write_text("")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(log)], stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIZLIB_MAX_")}
    env["VIZLIB_CACHE_DIR"] = str(root / "cache")
    sandbox = Sandbox(env)
    try:
        yield {
            "root": root,
            "secret": secret,
            "credentials": credentials,
            "log": log,
            "url": f"http://127.0.0.1:{port}",
            "sandbox": sandbox,
        }
    finally:
        sandbox.close()
        server.terminate()
        server.wait(timeout=10)


def tool_call(world: dict[str, Any], schema: dict[str, Any], args: str) -> list[Call]:
    return [Call(chat_request(tools=[tool(schema)]), chat_response(content=None, tool_args=args))]


def sse(events: int, text: str = "data: {}\n\n") -> str:
    return text * events


@cache
def bomb(kind: str) -> bytes:
    """300 MiB of zeros, compressed (300 KB to 10 KB); each decodes past the 256 MiB body limit."""
    zeros = bytes(300 * MIB)
    if kind == "gzip":
        return gzip.compress(zeros, compresslevel=1)
    if kind == "deflate":
        return zlib.compress(zeros, 1)
    if kind == "br":
        return bytes(brotli.compress(zeros, quality=1))
    return zstandard.ZstdCompressor(level=1).compress(zeros)


def alias_string(container: str) -> str:
    """One 1 MB string aliased 100,000 times: 100 GB once expanded."""
    document = build(container, [Call(chat_request(), "PLACEHOLDER")])
    anchor = "big: &big '" + "x" * MIB + "'\n"
    return anchor + document.replace("PLACEHOLDER", "*big") + "extra:\n" + "- *big\n" * 100_000


def alias_stream(container: str) -> str:
    """1,000 interactions whose response is an alias of one 785 KB event stream."""
    stream = sse(26_000, 'data: {"choices":[]}\n\n')[:785_000]
    calls = [Call(chat_request(), "STREAM", content_type="text/event-stream")] * 1000
    document = build(container, calls)
    anchor = json.dumps(stream)
    return document.replace("STREAM", "&s " + anchor, 1).replace("STREAM", "*s")


# name -> (containers, builder(world, container) -> file text, expected load outcome)
Case = tuple[tuple[str, ...], Callable[[dict[str, Any], str], str], str]
CASES: dict[str, Case] = {
    "1 remote $ref over http": (
        CONTAINERS,
        lambda w, c: build(c, tool_call(w, {"$ref": w["url"] + "/schema.json"}, '{"a": 1}')),
        "ok",
    ),
    "1 $ref to a local file": (
        CONTAINERS,
        lambda w, c: build(c, tool_call(w, {"$ref": w["secret"].as_uri()}, '{"a": 1}')),
        "ok",
    ),
    "1 $ref into a credentials file": (
        CONTAINERS,
        lambda w, c: build(
            c,
            tool_call(
                w,
                {"properties": {"a": {"$ref": w["credentials"].as_uri() + "#/client_secret"}}},
                '{"a": 1}',
            ),
        ),
        "ok",
    ),
    "1 $id naming the server": (
        CONTAINERS,
        lambda w, c: build(
            c, tool_call(w, {"$id": w["url"] + "/s.json", "$ref": "other.json"}, '{"a": 1}')
        ),
        "ok",
    ),
    "1 self-referencing $ref": (
        CONTAINERS,
        lambda w, c: build(c, tool_call(w, {"$ref": "#"}, '{"a": 1}')),
        "ok",
    ),
    "2 catastrophic pattern": (
        CONTAINERS,
        lambda w, c: build(
            c,
            tool_call(
                w,
                {"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}},
                json.dumps({"a": "a" * 60 + "!"}),
            ),
        ),
        "ok",
    ),
    "2 catastrophic patternProperties": (
        CONTAINERS,
        lambda w, c: build(
            c,
            tool_call(
                w,
                {"patternProperties": {"^(a+)+$": {}}, "additionalProperties": False},
                json.dumps({"a" * 60 + "!": 1}),
            ),
        ),
        "ok",
    ),
    "5 one string aliased 100,000 times": (
        YAML_CONTAINERS,
        lambda w, c: alias_string(c),
        r"YAML aliases reach more text than the limit .*alias_bytes",
    ),
    "5 an event stream aliased 1,000 times": (
        YAML_CONTAINERS,
        lambda w, c: alias_stream(c),
        r"YAML aliases reach more text than the limit .*alias_bytes",
    ),
    **{
        f"5 {kind} bomb": (
            CONTAINERS,
            lambda w, c, kind=kind: build(c, [Call(chat_request(), bomb(kind), encoding=kind)]),
            r"a body decodes to more bytes than the limit; the limit is 67,108,864 "
            r"\(body_bytes: raise it with VIZLIB_MAX_BODY_BYTES=N",
        )
        for kind in ("gzip", "deflate", "br", "zstd")
    },
    "5 more stream events than the limit": (
        CONTAINERS,
        lambda w, c: build(
            c, [Call(chat_request(), sse(CHUNKS + 1000), content_type="text/event-stream")]
        ),
        r"interaction 0: the response has more stream events than the limit; the limit is 100,000"
        r" \(chunks: raise it with VIZLIB_MAX_CHUNKS=N",
    ),
    "7 model named as rich markup": (
        CONTAINERS,
        lambda w, c: build(c, [Call(chat_request("[/x]"), chat_response("[/x][bold]"))]),
        "ok",
    ),
    "7 token count beyond int64": (
        CONTAINERS,
        lambda w, c: build(
            c,
            [
                Call(
                    chat_request(),
                    chat_response(
                        usage={"prompt_tokens": 10**30, "completion_tokens": 2, "total_tokens": 7}
                    ),
                )
            ],
        ),
        "ok",
    ),
    "7 token counts written as huge floats": (
        CONTAINERS,
        lambda w, c: build(
            c,
            [
                Call(
                    chat_request(),
                    chat_response(usage={"prompt_tokens": 1e308, "completion_tokens": 2e300}),
                )
            ],
        ),
        "ok",
    ),
    "7 streamed tool-call indexes beyond int64": (
        CONTAINERS,
        lambda w, c: build(
            c,
            [
                Call(
                    chat_request(),
                    "".join(
                        "data: "
                        + json.dumps(
                            {
                                "object": "chat.completion.chunk",
                                "choices": [{"index": 0, "delta": {"tool_calls": [call]}}],
                            }
                        )
                        + "\n\n"
                        for call in (
                            {
                                "index": 2**64,
                                "id": "c1",
                                "function": {"name": "f", "arguments": ""},
                            },
                            {"index": 2**64, "function": {"arguments": '{"a": 1}'}},
                            {
                                "index": 1e308,
                                "id": "c2",
                                "function": {"name": "g", "arguments": "{}"},
                            },
                        )
                    ),
                    content_type="text/event-stream",
                )
            ],
        ),
        "ok",
    ),
    "8 terminal escapes in the model name": (
        CONTAINERS,
        lambda w, c: build(
            c,
            [
                Call(
                    chat_request(),
                    chat_response(
                        "\x1b[2J\x1b[H\x1b]0;owned\x07\x1b]8;;"
                        + w["url"]
                        + "\x1b\\link\x1b]8;;\x1b\\"
                        "\x9b31m\x07\x08"
                    ),
                )
            ],
        ),
        "ok",
    ),
    "9 a role that adds a class": (
        CONTAINERS,
        lambda w, c: build(c, [Call(chat_request(role="user vz-hidden"), chat_response())]),
        "ok",
    ),
}
PARAMS = [
    pytest.param(name, container, id=f"{name} [{container}]")
    for name, (containers, _, _) in CASES.items()
    for container in containers
]


def outputs(result: dict[str, Any], report: Path) -> str:
    text = "".join(command["output"] for command in result.get("commands", []))
    return text + (readable(report.read_text(errors="replace")) if report.exists() else "")


def check_safe(world: dict[str, Any], answer: dict[str, Any], report: Path) -> dict[str, Any]:
    """The child ended by itself, nothing crashed, nothing was fetched or read."""
    assert answer["status"] == 0, f"the child did not end cleanly: {answer['status']}"
    result = answer["result"]
    assert not result["load"].startswith("crash"), result["load"]
    for command in result["commands"]:
        assert command["crash"] is None, command["crash"]
        assert command["exit"] in (0, 1), command
    seen = outputs(result, report)
    for secret in (FILE_SECRET, CLIENT_SECRET, SERVED):
        assert secret not in seen
    assert world["log"].read_text() == "", "vizlib made a request to the cassette's URL"
    terminal = "".join(c["output"] for c in result["commands"])
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", terminal), terminal
    return result


@pytest.mark.parametrize(("name", "container"), PARAMS)
def test_hostile_cassette(world: dict[str, Any], tmp_path: Path, name: str, container: str) -> None:
    _, builder, expected = CASES[name]
    file = tmp_path / f"hostile{SUFFIX[container]}"
    file.write_text(builder(world, container))
    report = tmp_path / "report.html"
    env = {"VIZLIB_MAX_CHUNKS": str(CHUNKS)} if "stream events" in name else {}
    answer = world["sandbox"].open(
        file, [["summary", str(file)], ["report", str(file), "-o", str(report)]], env=env
    )
    result = check_safe(world, answer, report)
    if expected == "ok":
        assert result["load"] == "ok"
        assert [c["exit"] for c in result["commands"]] == [0, 0], result["commands"]
    else:
        assert re.match(
            rf"CassetteError: {re.escape(file.name)}(, interaction \d+)?: ", result["load"]
        )
        assert re.search(expected, result["load"]), result["load"]
        assert [c["exit"] for c in result["commands"]] == [1, 1]
        assert not report.exists()
    if name.startswith("7 model"):
        assert "[/x]" in result["commands"][0]["output"]
    if name.startswith("8"):
        assert "link" in result["commands"][0]["output"]  # the text stays, its escapes go
    if name.startswith("9"):
        classes = re.findall(r'class="([^"]*)"', readable(report.read_text()))
        assert classes
        assert not any("vz-hidden" in c.split() for c in classes)
        assert any("vz-role-other" in c.split() for c in classes)


def special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    huge = tmp_path / "huge.har"
    with huge.open("wb") as out:  # sparse: 3 GiB that a whole read would not survive
        out.truncate(3 << 30)
    return {"fifo": fifo, "zero": zero, "huge": huge}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("fifo", r"cannot read: not a regular file \(a FIFO\)"),
        ("zero", r"cannot read: not a regular file \(a character device\)"),
        ("huge", r"the file is 3,221,225,472 bytes; the limit is 1,073,741,824 \(file_bytes"),
    ],
)
def test_special_files_are_refused_before_reading(
    world: dict[str, Any], tmp_path: Path, kind: str, expected: str
) -> None:
    file = special_files(tmp_path)[kind]
    report = tmp_path / "report.html"
    answer = world["sandbox"].open(
        file, [["summary", str(file)], ["report", str(file), "-o", str(report)]]
    )
    result = check_safe(world, answer, report)
    assert re.match(rf"CassetteError: {re.escape(str(file))}: {expected}", result["load"])
    assert [c["exit"] for c in result["commands"]] == [1, 1]
    assert re.search(expected, result["commands"][0]["output"])


def test_a_markup_file_name_and_message_in_a_folder(world: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "[bold]bad.yaml").write_text('"[/x]": 1\n')
    (folder / "good.yaml").write_text(build("go-vcr", [Call(chat_request(), chat_response())]))
    os.mkfifo(folder / "pipe.yaml")
    report = tmp_path / "report.html"
    answer = world["sandbox"].open(
        folder / "good.yaml", [["summary", str(folder)], ["report", str(folder), "-o", str(report)]]
    )
    result = check_safe(world, answer, report)
    summary, written = result["commands"]
    assert (summary["exit"], written["exit"]) == (1, 1)
    assert (
        f"error: {folder}/[bold]bad.yaml: not a cassette: found a mapping with keys [/x]"
        in (summary["output"])
    )
    assert (
        f"error: {folder}/pipe.yaml: cannot read: not a regular file (a FIFO)" in summary["output"]
    )
    assert "good.yaml  (go-vcr, 1 interactions)" in summary["output"]
    assert report.exists()


def test_a_large_valid_har_loads(world: dict[str, Any], tmp_path: Path) -> None:
    """30,000 entries and about 44 MB: large, and nothing like an alias bomb."""
    content = "x" * 700
    calls = [Call(chat_request(), chat_response(content=content))] * 30_000
    file = tmp_path / "large.har"
    file.write_text(build("har", calls))
    assert file.stat().st_size > 40e6
    answer = world["sandbox"].open(file, [], cpu=90)  # large: the point is that it is not refused
    assert answer["status"] == 0
    assert answer["result"]["load"] == "ok"


def test_load_many_keeps_going_past_hostile_files(
    world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    usage = {"prompt_tokens": 10**30, "completion_tokens": 2, "total_tokens": 7}
    (folder / "a-good.yaml").write_text(
        build("go-vcr", [Call(chat_request(), chat_response(usage=usage))])
    )
    (folder / "b-bomb.yaml").write_text(alias_string("vcr.py"))
    (folder / "c-[markup].yaml").write_text('"[/x]": 1\n')
    os.mkfifo(folder / "d-fifo.yaml")
    (folder / "e-zero.yaml").symlink_to("/dev/zero")
    (folder / "f-schema.har").write_text(
        build("har", tool_call(world, {"$ref": world["secret"].as_uri()}, '{"a": 1}'))
    )
    corpus = vizlib.load_many(folder, progress=False, cache=False)
    assert sorted(corpus.errors.file) == [
        "b-bomb.yaml",
        "c-[markup].yaml",
        "d-fifo.yaml",
        "e-zero.yaml",
    ]
    messages = dict(zip(corpus.errors.file, corpus.errors.message, strict=True))
    assert "alias_bytes" in messages["b-bomb.yaml"]
    assert messages["d-fifo.yaml"] == "cannot read: not a regular file"
    assert messages["e-zero.yaml"] == "a link to a file outside the folder; not read"
    assert sorted(corpus.interactions.cassette.unique()) == ["a-good.yaml", "f-schema.har"]
    assert corpus.usage.input_tokens.isna().tolist() == [True, False]  # 10**30 is NA
    assert corpus.tool_calls.schema_valid.isna().all()
    assert world["log"].read_text() == ""


def test_a_file_longer_than_its_stat_is_read_whole_and_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grew after its stat: read to its end, and refused once past the limit."""
    file = tmp_path / "growing.yaml"
    content = build("go-vcr", [Call(chat_request(), chat_response())]).encode()
    file.write_bytes(content)
    real_stat = os.stat

    def stale_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        info = real_stat(path, *args, **kwargs)
        if os.fspath(path) != str(file):
            return info
        fields = list(info)
        fields[stat.ST_SIZE] = 10  # as when the stat came before the file was written
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", stale_stat)
    assert limits.read_bounded(file) == content
    with (
        limits.using(vizlib.Limits(file_bytes=len(content) - 1)),
        pytest.raises(CassetteError, match="the file grew past it while read"),
    ):
        limits.read_bounded(file)


def test_a_file_over_the_size_limit_is_not_read_to_be_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIZLIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(build("go-vcr", [Call(chat_request(), chat_response())]))
    with (folder / "b-huge.har").open("wb") as out:  # sparse: 3 GiB
        out.truncate(3 << 30)
    hashed: list[str] = []
    real_key = frame_cache.file_key
    monkeypatch.setattr(
        frame_cache, "file_key", lambda path, name: hashed.append(name) or real_key(path, name)
    )
    corpus = vizlib.load_many(folder, progress=False)
    assert hashed == ["a-good.yaml"]
    assert corpus.names == ["a-good.yaml"]
    [message] = corpus.errors.message
    assert message.startswith("the file is 3,221,225,472 bytes; the limit is 1,073,741,824")


def flow_alias_bomb(levels: int, tagged: bool) -> str:
    """A billion-laughs document in flow style, each anchor straight after a key's colon."""
    laughs = ",".join(['"lol"'] * 8)
    parts = [f'"l0":&l0 [{laughs}]']
    parts += [f'"l{i}":&l{i} [' + ",".join([f"*l{i - 1}"] * 8) + "]" for i in range(1, levels)]
    tag = '"t": !!str x, ' if tagged else ""  # a tag sends the file to PyYAML
    return '{"version": 2, "interactions": [], ' + tag + ", ".join(parts) + "}\n"


@pytest.mark.parametrize("tagged", [False, True], ids=["fast parser", "PyYAML"])
def test_an_alias_bomb_anchored_right_after_a_colon_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tagged: bool
) -> None:
    # 8**6 strings once expanded: over a limit of 1 MiB, small enough to load were it missed
    monkeypatch.setenv("VIZLIB_MAX_ALIAS_BYTES", str(MIB))
    text = flow_alias_bomb(6, tagged)
    assert len(text) < 1000
    assert len(str(yaml.safe_load(text)["l5"])) > MIB  # YAML, as PyYAML reads it
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(vizlib.CassetteError, match="YAML aliases reach more text than the limit"):
        vizlib.load(path)


def test_token_counts_as_large_as_a_float_are_missing_values() -> None:
    # a real Gemini stream whose counts are 1e308: the decoder adds two, which no float holds
    require_shared()
    path = SHARED / "fantasy/TestGoogleCommon/gemini-2.5-flash/multi_tool_streaming.yaml"
    text = re.sub(r'(TokenCount\\?"\s*:\s*)\d+', r"\g<1>1e308", path.read_text())
    assert text.count("1e308") > 4
    usage = vizlib.load(text, name="huge-counts.yaml").usage
    assert usage.output_tokens.isna().all()
    assert usage.input_tokens.isna().all()


def test_interactions_and_their_events_are_bounded_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # many small responses add up: a file is bounded as a whole, not one response at a time
    monkeypatch.setenv("VIZLIB_MAX_CHUNKS", "100")
    stream = Call(chat_request(), sse(40), content_type="text/event-stream")
    assert len(vizlib.load(build("go-vcr", [stream] * 2)).chunks) == 80
    with pytest.raises(vizlib.CassetteError) as raised:
        vizlib.load(build("go-vcr", [stream] * 3), name="many.yaml")
    assert str(raised.value) == (
        "many.yaml, interaction 2: 120 stream events up to this interaction; the limit is 100 "
        "(chunks: raise it with VIZLIB_MAX_CHUNKS=N or vizlib.Limits(chunks=N))"
    )
    monkeypatch.setenv("VIZLIB_MAX_INTERACTIONS", "50")
    call = Call(chat_request(), chat_response())
    assert len(vizlib.load(build("har", [call] * 50)).interactions) == 50
    with pytest.raises(vizlib.CassetteError, match=r"51 interactions; the limit is 50 \(inter"):
        vizlib.load(build("har", [call] * 51))


def test_a_body_of_more_json_values_than_the_limit_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 3 bytes of `{},` are a dict of tens of bytes once parsed: a small file, gigabytes parsed
    monkeypatch.setenv("VIZLIB_MAX_JSON_VALUES", "1000")
    many = "[" + ",".join(["{}"] * 1500) + "]"
    with pytest.raises(vizlib.CassetteError) as raised:
        vizlib.load(build("go-vcr", [Call(chat_request(), many)]), name="values.yaml")
    assert str(raised.value).startswith(
        "values.yaml, interaction 0: a body's JSON holds 3,000 values or more; the limit is 1,000"
    )
    events = "".join(f"data: {many[:1000]}]\n\n" for _ in range(4))  # many values, many events
    with pytest.raises(vizlib.CassetteError, match=r"interaction 0: a body.s JSON holds 2,668 "):
        vizlib.load(
            build("go-vcr", [Call(chat_request(), events, content_type="text/event-stream")])
        )
    assert len(vizlib.load(build("go-vcr", [Call(chat_request(), many[:1200] + "]")])).chunks) == 1
