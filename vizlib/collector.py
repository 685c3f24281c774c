"""Python's cyclic collector, paused while vizlib makes many objects that hold no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
