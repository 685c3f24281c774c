from __future__ import annotations

import pytest

import vizlib
from tests.shared import SEED, require_shared


@pytest.fixture(scope="session")
def seed() -> vizlib.Cassette:
    require_shared()
    return vizlib.load(SEED)


@pytest.fixture(scope="session")
def sample() -> vizlib.Cassette:
    return vizlib.load_sample()
