"""Loading a cassette runs with Python's cyclic collector paused, and leaves it as it found it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import vizlib
from vizlib.cassette import decode_cassette
from vizlib.errors import CassetteError
from vizlib.synthetic import synthetic_cassette

EVENTS = 5_000


@pytest.fixture(scope="module")
def long_stream() -> str:
    return synthetic_cassette(EVENTS, seed=3, calls=2)


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection started while the test runs."""
    started: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(record)
    yield started
    gc.callbacks.remove(record)


def _during(collections: list[int], work: Callable[[], object]) -> list[int]:
    before = len(collections)
    work()
    return collections[before:]


def test_a_load_starts_no_collection(long_stream: str, collections: list[int]) -> None:
    assert gc.isenabled()
    # the same decoding with the collector running starts collections: the test can tell
    running = decode_cassette.__wrapped__  # type: ignore[attr-defined]  # without its pause
    unpaused = _during(collections, lambda: running(long_stream, "long.yaml"))
    assert len(unpaused) > 10
    loaded = _during(collections, lambda: vizlib.load(long_stream, name="long.yaml"))
    # at most the one that the first allocation after the pause starts, of what it left
    assert len(loaded) <= 1
    assert gc.isenabled()
    cassette = vizlib.load(long_stream, name="long.yaml")
    assert sum(len(item.decoded.chunks) for item in cassette.records) > 0.9 * EVENTS


def test_the_collector_is_left_as_found(long_stream: str) -> None:
    gc.disable()
    try:
        vizlib.load(long_stream, name="long.yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(CassetteError):
        vizlib.load("interactions: [1, 2", name="broken.yaml")
    assert gc.isenabled()


def test_frames_and_a_view_are_built_with_the_collector_paused(
    long_stream: str, collections: list[int]
) -> None:
    from vizlib.frames import build_frame  # noqa: PLC0415 - pandas, as the frames load it
    from vizlib.views.widget import CassetteView  # noqa: PLC0415

    cassette = vizlib.load(long_stream, name="long.yaml")
    # the chunks frame built with the collector running starts collections: the test can tell
    unpaused = _during(collections, lambda: build_frame("chunks", "long.yaml", cassette.records))
    assert len(unpaused) > 5
    frames = _during(collections, lambda: cassette.chunks)
    assert len(frames) <= 1  # the one the first allocation after the pause may start
    view = CassetteView(vizlib.load(long_stream, name="long.yaml"), fill=False)
    filled = _during(collections, view.fill)  # every chart, table and text of the view
    assert len(filled) <= 1
    assert len(view.timeline.figures) == 1
    assert gc.isenabled()
