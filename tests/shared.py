"""Where the real cassettes live, and how tests ask for them.

The folder `../shared/cassettes` beside the repository (or `$VIZLIB_SHARED_CASSETTES`)
holds real recordings. Where it is absent, tests that need it skip with a
reason; with `VIZLIB_REQUIRE_SHARED=1` (as CI sets it) its absence fails them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VIZLIB_SHARED_CASSETTES", ROOT.parent / "shared" / "cassettes"))
REQUIRED = os.environ.get("VIZLIB_REQUIRE_SHARED") == "1"
SEED = SHARED / "seed" / "multi_tool_streaming_kimi-k2.yaml"
_MISSING = f"real cassettes not found at {SHARED} (set VIZLIB_SHARED_CASSETTES)"


def require_shared() -> Path:
    """The shared folder; skip (or fail, where required) when it is absent."""
    if not SHARED.is_dir():
        if REQUIRED:
            pytest.fail(_MISSING)
        pytest.skip(_MISSING)
    return SHARED


def shared_files(pattern: str = "**/*") -> list[Path]:
    """Cassette files under the shared folder matching a glob, sorted."""
    if not SHARED.is_dir():
        return []
    return sorted(p for p in SHARED.glob(pattern) if p.is_file() and p.name != "README.md")


def shared_params(pattern: str = "**/*") -> list[object]:
    """Test parameters, one per shared file; a single `None` one where the folder is absent."""
    files = shared_files(pattern)
    if files:
        return [pytest.param(p, id=str(p.relative_to(SHARED))) for p in files]
    return [pytest.param(None, id="shared-cassettes-missing")]


def need(path: Path | None) -> Path:
    """The parametrized path, or skip/fail when the shared folder is absent."""
    if path is None:
        require_shared()
        pytest.fail(f"no cassettes matched under {SHARED}")
    return path
