"""The tour notebook runs top to bottom in a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.shared import ROOT


def test_tour_runs_top_to_bottom(tmp_path: Path) -> None:
    notebook = nbformat.read(ROOT / "notebooks" / "tour.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "vizlib.show displayed no widget"
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert 'final {"city": "Paris", "unit": "celsius"}' in printed
    assert "matches the declared schema; round trip True" in printed
