"""Python's cyclic collector, paused while vizlib makes many objects that hold no cycles."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested pauses leave it to the outermost.

    Decoding makes a few objects per stream event (dicts, strings, tuples), none
    of them in a cycle. With the collector running, every few hundred of them
    start a collection, and the oldest generation's collections walk every
    object the process holds: on a long stream that is most of the decoding's
    time. What a paused block leaves for the collector, it collects later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def paused(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, run with the cyclic collector paused (`collector_paused`)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return function(*args, **kwargs)

    return run
