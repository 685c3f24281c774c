"""`parse_sse` reads block by block; it must split every body as the line-by-line algorithm does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vizlib.decoders.sse import parse_sse


def by_lines(body: str) -> tuple[list[tuple[str | None, str, int]], int, bool]:
    """The HTML standard's event-stream parsing, one line at a time: the specification."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    events, n_comments = [], 0
    name, data, start, open_block = None, [], 0, False
    for number, line in enumerate(lines, start=1):
        if not line:
            if open_block:
                events.append((name, "\n".join(data), start))
            name, data, open_block = None, [], False
        elif line.startswith(":"):
            n_comments += 1
        else:
            field, sep, value = line.partition(":")
            value = value[1:] if sep and value.startswith(" ") else value
            if field not in ("data", "event", "id", "retry"):
                continue
            if field == "data":
                data.append(value)
            elif field == "event":
                name = value
            if not open_block:
                open_block, start = True, number
    if open_block:
        events.append((name, "\n".join(data), start))
    return events, n_comments, not open_block


def by_blocks(body: str) -> tuple[list[tuple[str | None, str, int]], int, bool]:
    stream = parse_sse(body)
    return [(e.event, e.data, e.line) for e in stream.events], stream.n_comments, stream.terminated


LINES = st.sampled_from(
    [
        'data: {"a":1}', "data:x", "data", "data: [DONE]", "data:  two spaces", "event: a",
        "event:b", ": comment", ":", "id: 1", "retry: 5", "foo: bar", " data: y", "", "é",
    ]
)  # fmt: skip


@settings(max_examples=2000)
@given(lines=st.lists(LINES, max_size=24), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_blocks_split_as_lines_do(lines: list[str], newline: str) -> None:
    body = newline.join(lines)
    assert by_blocks(body) == by_lines(body)
    assert by_blocks(body + newline) == by_lines(body + newline)


@settings(max_examples=2000)
@given(body=st.text(alphabet="dat:evn i{}\n\r", max_size=60))
def test_any_text_splits_as_lines_do(body: str) -> None:
    assert by_blocks(body) == by_lines(body)


def test_a_stream_of_data_lines() -> None:
    body = 'data: {"n":1}\n\ndata: {"n":2}\n\n: keep-alive\n\nevent: done\ndata: [DONE]\n\n'
    assert by_blocks(body) == (
        [(None, '{"n":1}', 1), (None, '{"n":2}', 3), ("done", "[DONE]", 7)],
        1,
        True,
    )
    assert by_blocks(body[:-2]) == (by_blocks(body)[0], 1, False)


VALUES = st.text(alphabet=' :ad{}"é\r', max_size=8)


@settings(max_examples=2000)
@given(
    values=st.lists(st.tuples(VALUES, VALUES), max_size=12),
    named=st.booleans(),
    spaces=st.sampled_from(["", " "]),
    tail=st.sampled_from(["", "\n", ": ping\n\n", "id: 7\n\n", "data: x", "event: e\n"]),
)
def test_uniform_streams_split_as_lines_do(
    values: list[tuple[str, str]], named: bool, spaces: str, tail: str
) -> None:
    # streams of one block shape take the one-regex path; any other tail leaves it
    blocks = [
        (f"event:{spaces}{name}\n" if named else "") + f"data:{spaces}{data}\n\n"
        for name, data in values
    ]
    body = "".join(blocks) + tail
    assert by_blocks(body) == by_lines(body)
