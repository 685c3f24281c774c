from __future__ import annotations

from collections.abc import Iterator

import pytest

import vizlib
from tests.browser import launch_chromium
from tests.shared import SEED, require_shared


@pytest.fixture(scope="session")
def seed() -> vizlib.Cassette:
    require_shared()
    return vizlib.load(SEED)


@pytest.fixture(scope="session")
def sample() -> vizlib.Cassette:
    return vizlib.load_sample()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    yield from launch_chromium()
