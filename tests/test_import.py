"""`import vizlib` is light: heavy libraries load when first used, each in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.shared import SEED, require_shared

HEAVY = ["plotly", "ipywidgets", "anywidget", "jsonschema", "referencing", "jinja2", "tqdm"]
FRAMES = ["pandas", "numpy", "pyarrow", "pyarrow.parquet"]


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_loads_no_dataframe_or_view_library() -> None:
    loaded = modules_after("import vizlib")
    assert "vizlib" in loaded
    assert loaded.isdisjoint(HEAVY + FRAMES)


def test_loading_a_cassette_loads_no_view_library() -> None:
    require_shared()
    loaded = modules_after(f"import vizlib\nc = vizlib.load({str(SEED)!r})\nassert len(c) == 2")
    assert loaded.isdisjoint(HEAVY + FRAMES)
    chunks = modules_after(f"import vizlib\nassert len(vizlib.load({str(SEED)!r}).chunks) > 0")
    assert {"pandas", "pyarrow"} <= chunks  # frames are pandas, built on first use
    assert chunks.isdisjoint(HEAVY)


def test_load_many_is_there_on_first_use() -> None:
    loaded = modules_after("import vizlib\nfrom vizlib import Corpus, load_many\nassert load_many")
    assert "pyarrow.parquet" in loaded
    assert loaded.isdisjoint(HEAVY)


def test_checking_a_schema_skips_the_format_grammars_jsonschema_would_build() -> None:
    try:
        import rfc3987_syntax  # noqa: F401, PLC0415 - installed with Jupyter's jsonschema extras
    except ImportError:
        pytest.skip("rfc3987_syntax is not installed: jsonschema has no grammars to build")
    check = (
        "from vizlib.schema import check_schema\n"
        "assert check_schema({'n': 'x'}, {'properties': {'n': {'type': 'integer'}}}).valid is False\n"
        "assert 'rfc3987_syntax' not in sys.modules and 'lark' not in sys.modules\n"
        "import rfc3987_syntax"  # still importable by the user afterwards
    )
    loaded = modules_after(check)
    assert {"jsonschema", "rfc3987_syntax"} <= loaded
