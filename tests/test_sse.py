"""The SSE parser: the standard's rules, and a property over arbitrary event lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vizlib.decoders.sse import parse_sse


def test_events_comments_and_names() -> None:
    body = ": keep-alive\n\nevent: ping\ndata: {}\n\ndata: a\ndata: b\n\ndata: [DONE]\n\n"
    stream = parse_sse(body)
    assert [(e.event, e.data, e.line) for e in stream.events] == [
        ("ping", "{}", 3),
        (None, "a\nb", 6),
        (None, "[DONE]", 9),
    ]
    assert stream.n_comments == 1
    assert stream.terminated


def test_crlf_and_cr_line_endings() -> None:
    assert [e.data for e in parse_sse("data: x\r\n\r\ndata: y\r\r").events] == ["x", "y"]


def test_only_one_space_after_the_colon_is_dropped() -> None:
    assert parse_sse("data:  two\n\ndata:none\n\n").events[0].data == " two"
    assert parse_sse("data:none\n\n").events[0].data == "none"


def test_unicode_line_separators_inside_json_do_not_split() -> None:
    body = 'data: {"t": "a\u2028b\u0085c"}\n\n'
    assert parse_sse(body).events[0].data == '{"t": "a\u2028b\u0085c"}'


def test_a_cut_stream_keeps_its_last_event_and_says_so() -> None:
    stream = parse_sse('data: {"a": 1}\n\ndata: {"b": ')
    assert [e.data for e in stream.events] == ['{"a": 1}', '{"b": ']
    assert not stream.terminated


_DATA = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)))


@given(st.lists(st.tuples(st.none() | st.from_regex(r"[a-z_.]{1,12}", fullmatch=True), _DATA)))
def test_round_trip_of_written_events(events: list[tuple[str | None, str]]) -> None:
    body = "".join(
        (f"event: {name}\n" if name else "") + f"data: {data}\n\n" for name, data in events
    )
    parsed = parse_sse(body)
    assert [(e.event, e.data) for e in parsed.events] == events
    assert parsed.terminated
